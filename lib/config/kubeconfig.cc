// Kubeconfig and in-cluster resolution of the Kubernetes API server.
#include "config/kubeconfig.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace flinkha {
namespace {

constexpr const char* kServiceAccountDir =
    "/var/run/secrets/kubernetes.io/serviceaccount";

std::string Scalar(const YAML::Node& n, const char* key) {
  if (!n.IsMap()) return "";
  const YAML::Node v = n[key];
  return v && v.IsScalar() ? v.Scalar() : "";
}

// The entry of list `list` whose name is `name`, then its member `member`.
YAML::Node Named(const YAML::Node& root, const char* list,
                 const std::string& name, const char* member) {
  const YAML::Node items = root[list];
  if (!items || !items.IsSequence()) return YAML::Node();
  for (const auto& item : items) {
    if (item.IsMap() && Scalar(item, "name") == name) {
      const YAML::Node m = item[member];
      if (m) return m;
    }
  }
  return YAML::Node();
}

std::string Relative(const std::string& file, std::string_view base_dir) {
  if (file.empty() || file.front() == '/' || base_dir.empty()) return file;
  return std::string(base_dir) + "/" + file;
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{"cannot read " + path};
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Trimmed(std::string s) {
  while (!s.empty() &&
         (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

}  // namespace

Result<KubeTarget> ParseKubeconfig(std::string_view yaml,
                                   std::string_view base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    return Error{"invalid YAML: " + std::string(e.what())};
  }
  if (!root.IsMap()) return Error{"expected a kubeconfig mapping"};
  const std::string current = Scalar(root, "current-context");
  if (current.empty()) return Error{"no current-context"};
  const YAML::Node ctx = Named(root, "contexts", current, "context");
  if (!ctx || !ctx.IsMap()) {
    return Error{"current-context \"" + current + "\" is not in contexts"};
  }
  KubeTarget t;
  t.namespace_name = Scalar(ctx, "namespace");
  const std::string cluster_name = Scalar(ctx, "cluster");
  const YAML::Node cluster = Named(root, "clusters", cluster_name, "cluster");
  if (!cluster || !cluster.IsMap()) {
    return Error{"cluster \"" + cluster_name + "\" of context \"" + current +
                 "\" is not in clusters"};
  }
  t.server = Scalar(cluster, "server");
  if (t.server.empty()) {
    return Error{"cluster \"" + cluster_name + "\" has no server"};
  }
  t.ca_file = Relative(Scalar(cluster, "certificate-authority"), base_dir);
  if (!Scalar(cluster, "certificate-authority-data").empty() &&
      t.ca_file.empty()) {
    return Error{"cluster \"" + cluster_name +
                 "\": certificate-authority-data is not supported; give the "
                 "CA as a file (certificate-authority, or kubernetes.ca_file)"};
  }
  t.insecure_skip_verify =
      Scalar(cluster, "insecure-skip-tls-verify") == "true";
  const std::string user_name = Scalar(ctx, "user");
  if (!user_name.empty()) {
    const YAML::Node user = Named(root, "users", user_name, "user");
    if (user && user.IsMap()) {
      t.token = Scalar(user, "token");
      t.token_file = Relative(Scalar(user, "tokenFile"), base_dir);
      if (t.token.empty() && t.token_file.empty() &&
          (user["client-certificate"] || user["client-certificate-data"] ||
           user["exec"] || user["auth-provider"])) {
        return Error{"user \"" + user_name +
                     "\": only token and tokenFile are supported (not client "
                     "certificates, exec or auth-provider plugins)"};
      }
    }
  }
  return t;
}

Result<KubeTarget> ResolveKubeTarget(const KubernetesConfig& k) {
  KubeTarget t;
  if (!k.api_server.empty()) {
    t.server = k.api_server;
    t.origin = "api_server";
  } else if (!k.kubeconfig.empty()) {
    auto text = ReadFile(k.kubeconfig);
    if (!text.ok()) return text.error().Wrap("kubeconfig");
    const size_t slash = k.kubeconfig.rfind('/');
    auto parsed = ParseKubeconfig(
        *text, slash == std::string::npos
                   ? std::string_view()
                   : std::string_view(k.kubeconfig).substr(0, slash));
    if (!parsed.ok()) return parsed.error().Wrap("kubeconfig " + k.kubeconfig);
    t = std::move(parsed).value();
    t.origin = "kubeconfig " + k.kubeconfig;
  } else {
    const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
    const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
    if (host == nullptr || *host == '\0') {
      return Error{
          "no api_server or kubeconfig given and not in a pod "
          "(KUBERNETES_SERVICE_HOST is unset)"};
    }
    std::string h = host;
    if (h.find(':') != std::string::npos) h = "[" + h + "]";  // IPv6
    t.server = "https://" + h + ":" + (port ? port : "443");
    t.token_file = std::string(kServiceAccountDir) + "/token";
    t.ca_file = std::string(kServiceAccountDir) + "/ca.crt";
    if (auto ns = ReadFile(std::string(kServiceAccountDir) + "/namespace");
        ns.ok()) {
      t.namespace_name = Trimmed(*ns);
    }
    t.origin = "in-cluster";
  }
  if (!k.token_file.empty()) {
    t.token_file = k.token_file;
    t.token.clear();
  }
  if (!k.ca_file.empty()) t.ca_file = k.ca_file;
  if (k.insecure_skip_verify) t.insecure_skip_verify = true;
  if (!k.namespace_name.empty()) t.namespace_name = k.namespace_name;
  if (t.namespace_name.empty()) t.namespace_name = "default";
  return t;
}

}  // namespace flinkha
