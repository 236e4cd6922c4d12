// Kubeconfig parsing: the current context's server, namespace, token and CA.
#include "config/kubeconfig.h"

#include <catch2/catch.hpp>

#include "config/loader.h"

namespace flinkha {

TEST_CASE("kubeconfig: the current context", "[k8s][config]") {
  // As flink/k8s-mock writes it, plus a second context that must be ignored.
  const char* yaml = R"(apiVersion: v1
kind: Config
clusters:
- name: mock
  cluster:
    server: http://127.0.0.1:16443
- name: prod
  cluster:
    server: https://10.0.0.1:6443
    certificate-authority: ca.crt
contexts:
- name: mock
  context:
    cluster: mock
    user: mock
    namespace: flink
- name: prod
  context:
    cluster: prod
    user: sa
current-context: prod
users:
- name: mock
  user:
    token: mock-token
- name: sa
  user:
    tokenFile: /var/run/token
)";
  auto t = ParseKubeconfig(yaml, "/etc/kube");
  REQUIRE(t.ok());
  CHECK(t->server == "https://10.0.0.1:6443");
  CHECK(t->ca_file == "/etc/kube/ca.crt");
  CHECK(t->token_file == "/var/run/token");
  CHECK(t->token.empty());
  CHECK(t->namespace_name.empty());
}

TEST_CASE("kubeconfig errors", "[k8s][config]") {
  CHECK(ParseKubeconfig("current-context: x\n", "").error().message ==
        "current-context \"x\" is not in contexts");
  CHECK(ParseKubeconfig("a: [", "").error().message.rfind("invalid YAML", 0) ==
        0);
  const char* exec = R"(clusters: [{name: c, cluster: {server: "https://h"}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
users: [{name: u, user: {exec: {command: aws}}}]
current-context: x
)";
  CHECK(ParseKubeconfig(exec, "").error().message.find(
            "only token and tokenFile are supported") != std::string::npos);
}

TEST_CASE("explicit settings override the kubeconfig", "[k8s][config]") {
  KubernetesConfig k;
  k.api_server = "https://api:6443";
  k.token_file = "/t";
  k.namespace_name = "flink";
  auto t = ResolveKubeTarget(k);
  REQUIRE(t.ok());
  CHECK(t->server == "https://api:6443");
  CHECK(t->token_file == "/t");
  CHECK(t->namespace_name == "flink");
  CHECK(t->origin == "api_server");
  KubernetesConfig missing;
  missing.kubeconfig = "/nonexistent/kubeconfig";
  CHECK(ResolveKubeTarget(missing).error().message ==
        "kubeconfig: cannot read /nonexistent/kubeconfig");
}

}  // namespace flinkha

namespace flinkha {

TEST_CASE("config: a kubernetes block instead of zookeeper", "[k8s][config]") {
  const std::string head =
      "clusters:\n  - name: c\n    jobmanagers:\n      - name: jm\n"
      "        url: http://127.0.0.1:8081\n"
      "        advertised: 127.0.0.1:8081\n";
  auto ok = ParseConfig(head +
                            "    kubernetes:\n      cluster_id: rp\n"
                            "      namespace: flink\n"
                            "      kubeconfig: /k\n      watch: false\n",
                        "k.yml");
  INFO((ok.ok() ? std::string() : ok.error().message));
  REQUIRE(ok.ok());
  REQUIRE(ok->clusters[0].kubernetes);
  CHECK(ok->clusters[0].kubernetes->cluster_id == "rp");
  CHECK(ok->clusters[0].kubernetes->namespace_name == "flink");
  CHECK(ok->clusters[0].kubernetes->kubeconfig == "/k");
  CHECK(!ok->clusters[0].kubernetes->watch);
  CHECK(!ok->clusters[0].zookeeper);

  auto both = ParseConfig(head +
                              "    zookeeper:\n      quorum: h:2181\n"
                              "    kubernetes:\n      cluster_id: rp\n",
                          "k.yml");
  REQUIRE(!both.ok());
  CHECK(both.error().message.find(
            "kubernetes: expected either zookeeper or kubernetes") !=
        std::string::npos);
  auto no_id =
      ParseConfig(head + "    kubernetes:\n      namespace: x\n", "k.yml");
  REQUIRE(!no_id.ok());
  CHECK(no_id.error().message.find("cluster_id") != std::string::npos);
}

}  // namespace flinkha
