// Where the Kubernetes API server is and how to reach it: from a cluster's
// `kubernetes:` settings, a kubeconfig file (pure parser) or the in-cluster
// service account.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"
#include "util/result.h"

namespace flinkha {

struct KubeTarget {
  std::string server;  // https://host:port or http://host:port
  std::string namespace_name;
  std::string token;       // inline token (kubeconfig `token:`), or
  std::string token_file;  // re-read when it changes
  std::string ca_file;
  bool insecure_skip_verify = false;
  std::string origin;  // "api_server", "kubeconfig <path>", "in-cluster"
};

// The current context of a kubeconfig: its cluster's server,
// certificate-authority (a file; certificate-authority-data is not
// supported) and insecure-skip-tls-verify; its user's token or tokenFile
// (client certificates and exec plugins are not supported and are errors); its
// namespace. Relative file names are relative to base_dir.
Result<KubeTarget> ParseKubeconfig(std::string_view yaml,
                                   std::string_view base_dir);

// Resolves the settings (see KubernetesConfig): reads the kubeconfig file or
// the in-cluster environment (KUBERNETES_SERVICE_HOST, _PORT and
// /var/run/secrets/kubernetes.io/serviceaccount/{token,ca.crt,namespace}).
Result<KubeTarget> ResolveKubeTarget(const KubernetesConfig& k);

}  // namespace flinkha
