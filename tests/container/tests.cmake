# Containers (label container): the reference deployment in docker-compose with local images,
# drilled against Flink's own REST, logs and znodes (drills.py), and the Debian package installed
# in a clean Debian container (deb_test.sh). container_bed (a fixture) starts dockerd when no
# engine runs and builds the images once (scripts/docker-bed.sh; later runs reuse every layer);
# container_bed_stop stops a dockerd the bed started. Docker work shares the flink lock: a stack
# is six JVMs, like a real-Flink cluster.
find_program(FLINKHA_CT_PYTHON3 python3)
find_program(FLINKHA_CT_BASH bash)
add_test(NAME container_bed COMMAND ${FLINKHA_CT_BASH} ${CMAKE_SOURCE_DIR}/scripts/docker-bed.sh all)
set_tests_properties(container_bed PROPERTIES LABELS container FIXTURES_SETUP container_bed
  RESOURCE_LOCK flink TIMEOUT 1200)
add_test(NAME container_bed_stop COMMAND ${FLINKHA_CT_BASH} ${CMAKE_SOURCE_DIR}/scripts/docker-bed.sh stop)
set_tests_properties(container_bed_stop PROPERTIES LABELS container FIXTURES_CLEANUP container_bed)

# Every drill and operator path on 1.20.5; the steady state and a leader kill on 2.3.0.
add_test(NAME container_drills_1.20.5 COMMAND ${FLINKHA_CT_PYTHON3}
  ${CMAKE_CURRENT_LIST_DIR}/drills.py --flink-version 1.20.5 --exporter-binary $<TARGET_FILE:flink-ha-exporter>
  --report ${CMAKE_BINARY_DIR}/container-drills-1.20.5.json)
add_test(NAME container_drills_2.3.0 COMMAND ${FLINKHA_CT_PYTHON3}
  ${CMAKE_CURRENT_LIST_DIR}/drills.py --flink-version 2.3.0 --only steady,kill
  --report ${CMAKE_BINARY_DIR}/container-drills-2.3.0.json)
set_tests_properties(container_drills_1.20.5 container_drills_2.3.0 PROPERTIES LABELS container
  FIXTURES_REQUIRED container_bed RESOURCE_LOCK flink TIMEOUT 1200)

if(NOT FLINKHA_SANITIZE)
  add_test(NAME container_deb COMMAND ${FLINKHA_CT_BASH} ${CMAKE_CURRENT_LIST_DIR}/deb_test.sh
    ${CMAKE_BINARY_DIR} ${CMAKE_CPACK_COMMAND})
  set_tests_properties(container_deb PROPERTIES LABELS container FIXTURES_REQUIRED container_bed
    RESOURCE_LOCK flink TIMEOUT 600)
endif()

# scripts/run.sh with a configuration installs only the daemon's packages (quick, no Docker).
add_test(NAME run_sh_daemon_packages COMMAND ${FLINKHA_CT_BASH}
  ${CMAKE_CURRENT_LIST_DIR}/run_sh_test.sh ${CMAKE_SOURCE_DIR})
set_tests_properties(run_sh_daemon_packages PROPERTIES LABELS unit)
