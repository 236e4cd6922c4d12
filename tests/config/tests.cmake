# End-to-end checks of the configuration loader through the real binary's --config.check
# (label e2e): the shipped config and the all-keys example pass, bad files fail with
# file:line:col messages on stderr and exit code 1.
set(FLINKHA_CONFIG_CHECK ${CMAKE_CURRENT_LIST_DIR}/check_config.cmake)

function(flinkha_config_check name config expect_exit)
  add_test(NAME ${name}
    COMMAND ${CMAKE_COMMAND} -DEXPORTER=$<TARGET_FILE:flink-ha-exporter>
      -DWORKDIR=${CMAKE_SOURCE_DIR} -DCONFIG=${config} -DEXPECT_EXIT=${expect_exit} ${ARGN}
      -P ${FLINKHA_CONFIG_CHECK})
  set_tests_properties(${name} PROPERTIES LABELS e2e)
endfunction()

flinkha_config_check(config_check_shipped config/flink-ha-exporter.yml 0
  "-DEXPECT_STDOUT=config/flink-ha-exporter.yml: configuration is valid (1 cluster(s))")
flinkha_config_check(config_check_all_keys_example config/examples/all-keys.yml 0
  "-DEXPECT_STDOUT=config/examples/all-keys.yml: configuration is valid (2 cluster(s))")
flinkha_config_check(config_check_reports_every_error
  tests/fixtures/config/bad/several_errors.yml 1
  -DEXPECT_STDERR_FILE=${CMAKE_CURRENT_LIST_DIR}/several_errors.stderr)
flinkha_config_check(config_check_unknown_key tests/fixtures/config/bad/unknown_key_cluster.yml 1
  "-DEXPECT_STDERR_REGEX=^tests/fixtures/config/bad/unknown_key_cluster.yml:8:5: error: unknown key \"pol_interval\" in cluster \\(did you mean \"poll_interval\"\\?\\)\n$")
flinkha_config_check(config_check_syntax_error tests/fixtures/config/bad/syntax.yml 1
  "-DEXPECT_STDERR_REGEX=^tests/fixtures/config/bad/syntax.yml:3:3: error: invalid YAML: ")
flinkha_config_check(config_check_missing_file tests/fixtures/config/no-such-file.yml 1
  "-DEXPECT_STDERR_REGEX=^tests/fixtures/config/no-such-file.yml: error: cannot read: no such file or directory\n$")
