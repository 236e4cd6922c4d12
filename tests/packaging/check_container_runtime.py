#!/usr/bin/env python3
"""Checks that the Dockerfile's runtime stage installs a package for every shared library the
built binary needs (no Docker engine runs in tests, so `docker build` cannot tell us).

Each DT_NEEDED library of the binary is mapped to its Debian package with dpkg -S; that package
must be installed by the runtime stage's apt-get line, be part of every Debian base image
(Priority: required), or be a direct dependency of a package the stage installs.
Usage: check_container_runtime.py <binary> <Dockerfile>
"""
import re
import subprocess
import sys


def needed(binary):
    out = subprocess.run(["objdump", "-p", binary], check=True, capture_output=True, text=True)
    return re.findall(r"^\s*NEEDED\s+(\S+)", out.stdout, re.M)


def resolved_paths(binary):
    """soname -> path, as the dynamic loader resolves it here."""
    out = subprocess.run(["ldd", binary], check=True, capture_output=True, text=True).stdout
    return dict(re.findall(r"^\s*(\S+) => (/\S+)", out, re.M))


def package_of(path):
    for candidate in (path, path.replace("/lib/", "/usr/lib/", 1), path.replace("/usr/lib/", "/lib/", 1)):
        r = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":", 1)[0].strip()
    return None


def runtime_packages(dockerfile):
    """Packages of the apt-get install in the last stage (after the last FROM)."""
    text = open(dockerfile, encoding="utf-8").read().replace("\\\n", " ")
    last_stage = re.split(r"^FROM\s", text, flags=re.M)[-1]
    packages = set()
    for m in re.finditer(r"apt-get install ([^&\n]*)", last_stage):
        packages.update(w for w in m.group(1).split() if not w.startswith("-"))
    return packages


def direct_depends(packages):
    out = subprocess.run(["apt-cache", "depends", "--important", *sorted(packages)],
                         capture_output=True, text=True).stdout
    return set(re.findall(r"(?:Pre)?Depends: <?([^\s>:]+)", out))


def priority(package):
    r = subprocess.run(["dpkg-query", "-W", "-f=${Priority}", package], capture_output=True, text=True)
    return r.stdout.strip()


def main():
    binary, dockerfile = sys.argv[1], sys.argv[2]
    listed = runtime_packages(dockerfile)
    if not listed:
        print("FAIL: no apt-get install in the Dockerfile's runtime stage")
        return 1
    pulled = direct_depends(listed)
    paths = resolved_paths(binary)
    problems = []
    for soname in needed(binary):
        if soname.startswith(("libasan", "libubsan", "libtsan", "liblsan")):
            print(f"skip    {soname}: a sanitizer runtime, not in release builds")
            continue
        path = paths.get(soname)
        package = package_of(path) if path else None
        if package is None:
            problems.append(f"{soname}: no Debian package owns {path}")
            continue
        package = package.split(",")[0]
        if package in listed:
            how = "installed by the runtime stage"
        elif priority(package) == "required":
            how = "in every Debian base image (Priority: required)"
        elif package in pulled:
            how = "a dependency of an installed package"
        else:
            problems.append(f"{soname} ({package}) is not installed by the runtime stage")
            continue
        print(f"ok      {soname}: {package}, {how}")
    for p in problems:
        print("FAIL: " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
