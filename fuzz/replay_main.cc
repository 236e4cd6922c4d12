// Replay driver: a main() for the fuzz targets when they are not built with
// libFuzzer (GCC, or clang without FLINKHA_FUZZ). Feeds every file named, or
// found in a directory named, to LLVMFuzzerTestOneInput once; arguments
// starting with '-' (libFuzzer flags) are ignored. A crash is the failure; a
// path that does not exist or no input at all fails too, so a corpus that is
// not where the test expects it cannot pass as replayed.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool Replay(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  // A copy on the heap of exactly the input's size, as libFuzzer passes it,
  // so a read past the end is caught under ASan.
  std::vector<uint8_t> data(bytes.begin(), bytes.end());
  LLVMFuzzerTestOneInput(data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  size_t inputs = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& e : std::filesystem::directory_iterator(arg, ec)) {
        if (e.is_regular_file()) files.push_back(e.path());
      }
      for (const auto& f : files) {
        ok = Replay(f) && ok;
        ++inputs;
      }
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      ok = Replay(arg) && ok;
      ++inputs;
    } else {
      std::fprintf(stderr, "no such file or directory: %s\n", arg.c_str());
      ok = false;
    }
  }
  std::printf("replayed %zu inputs\n", inputs);
  if (inputs == 0) {
    std::fprintf(stderr, "no inputs\n");
    return 1;
  }
  return ok ? 0 : 1;
}
