# Kubernetes HA drills (label kubernetes): real JobManagers of each pinned Flink version keep their
# leaders in ConfigMaps of fabric8's in-memory API server (scripts/flink-cluster.py up --ha
# kubernetes, scripts/k8s-mock-fetch.sh); tests/k8s/k8s_drills_test.py compares the exporter with
# Flink's logs, REST and the ConfigMaps. One bed start per version; a report per version lands in
# the build dir (k8s-drills-<version>.md).
find_program(FLINKHA_K8S_PYTHON3 python3)
foreach(version 1.20.5 2.3.0)
  if(FLINKHA_K8S_PYTHON3)
    add_test(NAME k8s_drills_${version}
      COMMAND ${FLINKHA_K8S_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/k8s_drills_test.py
        --flink-version ${version} --exporter $<TARGET_FILE:flink-ha-exporter>
        --report ${CMAKE_BINARY_DIR}/k8s-drills-${version}.md)
  else()
    add_test(NAME k8s_drills_${version} COMMAND sh -c "echo 'k8s_drills_${version}: python3 is missing'; exit 1")
  endif()
  set_tests_properties(k8s_drills_${version} PROPERTIES LABELS kubernetes RESOURCE_LOCK flink
    TIMEOUT 420)
endforeach()

# A python test of this folder run with the exporter's path; without python3, a test that fails.
function(flinkha_k8s_python_test name script timeout)
  if(FLINKHA_K8S_PYTHON3)
    add_test(NAME ${name}
      COMMAND ${FLINKHA_K8S_PYTHON3} ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/${script}
        --exporter $<TARGET_FILE:flink-ha-exporter>)
  else()
    add_test(NAME ${name} COMMAND sh -c "echo '${name}: python3 is missing'; exit 1")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS kubernetes TIMEOUT ${timeout})
endfunction()

# packaging/kubernetes/flink-ha-exporter.yaml created in the mock API server, its Role and probes
# checked, its exporter configuration through --config.check (a few seconds: one small JVM).
flinkha_k8s_python_test(k8s_manifests manifests_test.py 120)

# packaging/helm/flink-ha-exporter with the pinned helm (scripts/helm-fetch.sh; setup.sh --test
# builds it, else the test's first run does, a few minutes): lint, template with and without the
# ServiceMonitor and PrometheusRule, the rendered documents checked and created in the mock API
# server (a few seconds once helm is built).
flinkha_k8s_python_test(k8s_helm_chart helm_chart_test.py 420)
