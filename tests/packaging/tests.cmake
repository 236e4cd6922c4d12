# Packaging checks (ctest): the systemd unit (systemd-analyze verify and security), the
# container files (docker-compose config, host paths), and the Debian package built by CPack.
# Label `unit` for quick checks of files, `e2e` for those that need the built binary. A tool that
# is missing makes its test fail, never skip: scripts/setup.sh --test installs them all.
set(FLINKHA_PKG_TESTS ${CMAKE_CURRENT_LIST_DIR})
find_program(FLINKHA_BASH bash)
find_program(FLINKHA_SYSTEMD_ANALYZE systemd-analyze)
find_program(FLINKHA_DOCKER_COMPOSE docker-compose)
find_program(FLINKHA_PKG_PYTHON3 python3)
find_program(FLINKHA_DPKG_DEB dpkg-deb)

# add_test with labels, or a failing stand-in naming the missing tool.
function(flinkha_packaging_test name labels tool)
  if(tool)
    add_test(NAME packaging_${name} COMMAND ${ARGN})
  else()
    add_test(NAME packaging_${name} COMMAND sh -c
      "echo 'packaging_${name}: a required tool is missing (run scripts/setup.sh --test)'; exit 1")
  endif()
  set_tests_properties(packaging_${name} PROPERTIES LABELS "${labels};packaging")
endfunction()

flinkha_packaging_test(systemd_security unit "${FLINKHA_SYSTEMD_ANALYZE}"
  ${FLINKHA_BASH} ${FLINKHA_PKG_TESTS}/check_systemd_unit.sh security ${CMAKE_SOURCE_DIR} 2.5)
flinkha_packaging_test(systemd_verify e2e "${FLINKHA_SYSTEMD_ANALYZE}"
  ${FLINKHA_BASH} ${FLINKHA_PKG_TESTS}/check_systemd_unit.sh verify ${CMAKE_SOURCE_DIR}
  $<TARGET_FILE:flink-ha-exporter>)
flinkha_packaging_test(compose_config unit "${FLINKHA_DOCKER_COMPOSE}"
  ${FLINKHA_DOCKER_COMPOSE} --file ${CMAKE_SOURCE_DIR}/packaging/container/compose.yaml
  --project-directory ${CMAKE_SOURCE_DIR}/packaging/container config --quiet)
flinkha_packaging_test(container_paths unit "${FLINKHA_PKG_PYTHON3}"
  ${FLINKHA_PKG_PYTHON3} ${FLINKHA_PKG_TESTS}/check_container_paths.py ${CMAKE_SOURCE_DIR})
# The configuration the compose file mounts into the exporter container is valid.
flinkha_packaging_test(container_config_check e2e TRUE
  $<TARGET_FILE:flink-ha-exporter> --config.check
  --config.file=${CMAKE_SOURCE_DIR}/packaging/container/flink-ha-exporter.yml)
# What is shipped is built without sanitizers: the package and the image's library list are
# checked in such builds only (a sanitizer build's binary needs libasan and friends).
if(NOT FLINKHA_SANITIZE)
  # Every shared library the binary needs is installed by the image's runtime stage.
  flinkha_packaging_test(container_runtime_libraries e2e "${FLINKHA_PKG_PYTHON3}"
    ${FLINKHA_PKG_PYTHON3} ${FLINKHA_PKG_TESTS}/check_container_runtime.py
    $<TARGET_FILE:flink-ha-exporter> ${CMAKE_SOURCE_DIR}/packaging/container/Dockerfile)
  flinkha_packaging_test(deb e2e "${FLINKHA_DPKG_DEB}"
    ${FLINKHA_BASH} ${FLINKHA_PKG_TESTS}/check_deb.sh ${CMAKE_BINARY_DIR} ${CMAKE_CPACK_COMMAND})
  # cpack strips and runs dpkg-shlibdeps: give it time on a loaded two-core machine.
  set_tests_properties(packaging_deb PROPERTIES TIMEOUT 300)
endif()
