# Real Apache Flink (label flink): scripts/flink-cluster.py runs ZooKeeper, two JobManagers, three
# TaskManagers and the CSV job from Maven Central jars (scripts/flink-fetch.sh; `setup.sh --test`
# fetches them), one test per pinned version. A cluster is six JVMs: never two at once on this
# project's small CI machines (RESOURCE_LOCK), and start-up takes about a minute.
find_program(FLINKHA_FLINK_PYTHON3 python3)
set(FLINKHA_FLINK_VERSIONS 1.20.5 2.3.0)  # the full drills' versions (flink/versions/)
foreach(version ${FLINKHA_FLINK_VERSIONS})
  if(FLINKHA_FLINK_PYTHON3)
    add_test(NAME flink_smoke_${version}
      COMMAND ${FLINKHA_FLINK_PYTHON3} ${CMAKE_CURRENT_LIST_DIR}/smoke_test.py
        --flink-version ${version} --work-dir ${CMAKE_BINARY_DIR}/flink-smoke)
  else()
    add_test(NAME flink_smoke_${version} COMMAND sh -c "echo 'flink_smoke_${version}: python3 is missing'; exit 1")
  endif()
  set_tests_properties(flink_smoke_${version} PROPERTIES LABELS flink RESOURCE_LOCK flink TIMEOUT 400)
endforeach()

# The drills (tests/flink/drills_test.cc): the exporter against Flink's own REST, logs and
# znodes, with a real Prometheus and Alertmanager; a report per version lands in the build dir.
add_executable(flink_tests ${CMAKE_CURRENT_LIST_DIR}/drills_test.cc)
target_link_libraries(flink_tests PRIVATE flinkha_test_support)
add_dependencies(flink_tests flink-ha-exporter)
foreach(version ${FLINKHA_FLINK_VERSIONS})
  add_test(NAME flink_drills_${version} COMMAND flink_tests "[flink]" --durations yes)
  set_tests_properties(flink_drills_${version} PROPERTIES LABELS flink RESOURCE_LOCK flink
    TIMEOUT 900 ENVIRONMENT "FLINKHA_FLINK_VERSION=${version};FLINKHA_DRILL_REPORT_DIR=${CMAKE_BINARY_DIR}")
endforeach()

# The version matrix (label flink): every other minor version from 1.18 whose jars Maven Central
# serves, at its newest patch (flink/versions). One cluster start each: the steady state and one
# leader SIGKILL against Flink's own record (the "[matrix]" case of drills_test.cc), about 1.5 min.
set(FLINKHA_FLINK_MATRIX_VERSIONS 1.18.1 1.19.3 2.0.2 2.1.3 2.2.1)
# Every pinned version runs in one list or the other.
file(GLOB _flinkha_pinned RELATIVE ${CMAKE_SOURCE_DIR}/flink/versions ${CMAKE_SOURCE_DIR}/flink/versions/*)
foreach(version ${_flinkha_pinned})
  if(NOT version IN_LIST FLINKHA_FLINK_VERSIONS AND NOT version IN_LIST FLINKHA_FLINK_MATRIX_VERSIONS)
    message(FATAL_ERROR "flink/versions/${version} is pinned but no test runs it: add it to FLINKHA_FLINK_MATRIX_VERSIONS in ${CMAKE_CURRENT_LIST_FILE}")
  endif()
endforeach()
foreach(version ${FLINKHA_FLINK_MATRIX_VERSIONS})
  add_test(NAME flink_matrix_${version} COMMAND flink_tests "[matrix]" --durations yes)
  set_tests_properties(flink_matrix_${version} PROPERTIES LABELS flink RESOURCE_LOCK flink
    TIMEOUT 400 ENVIRONMENT "FLINKHA_FLINK_VERSION=${version};FLINKHA_DRILL_REPORT_DIR=${CMAKE_BINARY_DIR}")
endforeach()

# The diagnosis drills (tests/flink/diagnosis_test.cc): the job fails on demand, a snapshot
# fails, a TaskManager dies with every slot in use, the operator after the source slows down
# (backpressure), with a real Prometheus evaluating the shipped rules; one cluster start per
# version, about 3 min.
add_executable(flink_diagnosis_tests ${CMAKE_CURRENT_LIST_DIR}/diagnosis_test.cc)
target_link_libraries(flink_diagnosis_tests PRIVATE flinkha_test_support)
add_dependencies(flink_diagnosis_tests flink-ha-exporter)
foreach(version ${FLINKHA_FLINK_VERSIONS})
  add_test(NAME flink_diagnosis_${version} COMMAND flink_diagnosis_tests "[flink]" --durations yes)
  set_tests_properties(flink_diagnosis_${version} PROPERTIES LABELS flink RESOURCE_LOCK flink
    TIMEOUT 600 ENVIRONMENT "FLINKHA_FLINK_VERSION=${version};FLINKHA_DRILL_REPORT_DIR=${CMAKE_BINARY_DIR}")
endforeach()

# The ZooKeeper ensemble drills (tests/flink/ensemble_test.cc): Flink on three ZooKeeper servers
# (flink-cluster.py --zk-servers 3); a follower lost, the ZooKeeper leader lost, the quorum lost
# and regained, truth from srvr and Flink's logs. One cluster start, the first pinned version only
# (the drills test ZooKeeper and the exporter, not a Flink version); about 3 min.
add_executable(flink_ensemble_tests ${CMAKE_CURRENT_LIST_DIR}/ensemble_test.cc)
target_link_libraries(flink_ensemble_tests PRIVATE flinkha_test_support)
add_dependencies(flink_ensemble_tests flink-ha-exporter)
list(GET FLINKHA_FLINK_VERSIONS 0 FLINKHA_ENSEMBLE_VERSION)
add_test(NAME flink_ensemble_${FLINKHA_ENSEMBLE_VERSION}
  COMMAND flink_ensemble_tests "[flink]" --durations yes)
set_tests_properties(flink_ensemble_${FLINKHA_ENSEMBLE_VERSION} PROPERTIES LABELS flink
  RESOURCE_LOCK flink TIMEOUT 600
  ENVIRONMENT "FLINKHA_FLINK_VERSION=${FLINKHA_ENSEMBLE_VERSION};FLINKHA_DRILL_REPORT_DIR=${CMAKE_BINARY_DIR}")

# The demo's smoke test (label demo): scripts/demo.sh starts real Flink 1.20.5 (the jars must be
# fetched: `setup.sh --test` or scripts/flink-fetch.sh), the exporter from this build, Prometheus
# and Alertmanager, runs 20 s and checks /metrics and Prometheus's target and rules. Real Flink
# start-up under load takes minutes; it shares the flink lock with the smoke tests above.
add_test(NAME demo_smoke
  COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/demo.sh --no-setup --no-build
    --build-dir ${CMAKE_BINARY_DIR} --dir ${CMAKE_BINARY_DIR}/demo-smoke --duration 20)
set_tests_properties(demo_smoke PROPERTIES LABELS demo RESOURCE_LOCK flink TIMEOUT 400)
