# Prometheus, Alertmanager and Grafana checks (ctest label `prom`): rule syntax and unit tests,
# the example configs, inhibit rules on a real Alertmanager, the dashboard lint, and every
# dashboard query against a real Prometheus scraping the fixture exposition.
set(FLINKHA_PROM_DIR ${CMAKE_CURRENT_LIST_DIR})
set(FLINKHA_PROM_RULES ${PROJECT_SOURCE_DIR}/config/prometheus/flinkha-rules.yml)
set(FLINKHA_PROM_CONFIG ${PROJECT_SOURCE_DIR}/config/prometheus/prometheus.yml)
set(FLINKHA_AM_CONFIG ${PROJECT_SOURCE_DIR}/config/alertmanager/alertmanager.yml)

find_program(FLINKHA_PROMTOOL promtool)
find_program(FLINKHA_AMTOOL amtool)
find_program(FLINKHA_PROMETHEUS prometheus)
find_program(FLINKHA_ALERTMANAGER NAMES prometheus-alertmanager alertmanager)
find_program(FLINKHA_PYTHON3 python3)
find_program(FLINKHA_SH sh)

# A missing tool is a failing test with its name on it, never a silently smaller tier.
function(flinkha_prom_require var tool)
  if(NOT ${var})
    message(WARNING "${tool} not found: the prom tests that need it will fail")
    add_test(NAME prom_requires_${tool} COMMAND ${CMAKE_COMMAND} -E false)
    set_tests_properties(prom_requires_${tool} PROPERTIES LABELS prom)
  endif()
endfunction()
flinkha_prom_require(FLINKHA_PROMTOOL promtool)
flinkha_prom_require(FLINKHA_AMTOOL amtool)
flinkha_prom_require(FLINKHA_PROMETHEUS prometheus)
flinkha_prom_require(FLINKHA_ALERTMANAGER alertmanager)
flinkha_prom_require(FLINKHA_PYTHON3 python3)

function(flinkha_prom_test name)
  add_test(NAME prom_${name} COMMAND ${ARGN})
  set_tests_properties(prom_${name} PROPERTIES LABELS prom TIMEOUT 60)
endfunction()

if(FLINKHA_PROMTOOL)
  flinkha_prom_test(check_rules ${FLINKHA_PROMTOOL} check rules ${FLINKHA_PROM_RULES})
  # Also loads the rule files it names, so their paths must resolve.
  flinkha_prom_test(check_config ${FLINKHA_PROMTOOL} check config ${FLINKHA_PROM_CONFIG})
  file(GLOB FLINKHA_PROM_RULE_TESTS CONFIGURE_DEPENDS ${FLINKHA_PROM_DIR}/*.test.yml)
  if(NOT FLINKHA_PROM_RULE_TESTS)
    message(SEND_ERROR "no tests/prom/*.test.yml found")
  endif()
  foreach(test_file ${FLINKHA_PROM_RULE_TESTS})
    get_filename_component(test_name ${test_file} NAME_WE)
    flinkha_prom_test(test_rules_${test_name} ${FLINKHA_PROMTOOL} test rules ${test_file})
  endforeach()
  if(FLINKHA_SH)
    flinkha_prom_test(check_fixture_metrics ${FLINKHA_SH} -c
                      "\"$0\" check metrics < \"$1\"" ${FLINKHA_PROMTOOL}
                      ${FLINKHA_PROM_DIR}/fixtures/metrics.prom)
  endif()
  if(FLINKHA_PYTHON3 AND FLINKHA_SH)
    # The mixin settings (config/prometheus/mixin.py): the template holds the defaults and
    # writes itself; rules written with another scrape job and runbook base pass their tests.
    flinkha_prom_test(mixin_defaults ${FLINKHA_PYTHON3}
                      ${PROJECT_SOURCE_DIR}/config/prometheus/mixin.py --check ${FLINKHA_PROM_RULES})
    set(FLINKHA_MIXIN_DIR ${CMAKE_CURRENT_BINARY_DIR}/mixin)
    flinkha_prom_test(mixin_settings ${FLINKHA_SH} -c
                      "mkdir -p \"$3\" && cp \"$4\" \"$3/\" && \"$0\" \"$1\" \"$2\" \
                       --job-selector 'job=\"flink\"' \
                       --runbook-base https://runbooks.example.org/flink-ha/ \
                       -o \"$3/flinkha-rules-mixin.yml\" && \"$5\" test rules \"$3/settings.test.yml\""
                      ${FLINKHA_PYTHON3} ${PROJECT_SOURCE_DIR}/config/prometheus/mixin.py
                      ${FLINKHA_PROM_RULES} ${FLINKHA_MIXIN_DIR}
                      ${FLINKHA_PROM_DIR}/mixin/settings.test.yml ${FLINKHA_PROMTOOL})
    # The drill copy with short `for:` durations must stay a valid rules file.
    flinkha_prom_test(shortened_rules ${FLINKHA_SH} -c
                      "\"$0\" \"$1\" --for 10s \"$2\" -o \"$3\" && \"$4\" check rules \"$3\""
                      ${FLINKHA_PYTHON3} ${FLINKHA_PROM_DIR}/shorten_for.py ${FLINKHA_PROM_RULES}
                      ${CMAKE_CURRENT_BINARY_DIR}/flinkha-rules-drill.yml ${FLINKHA_PROMTOOL})
  endif()
endif()

if(FLINKHA_AMTOOL)
  flinkha_prom_test(amtool_check_config ${FLINKHA_AMTOOL} check-config ${FLINKHA_AM_CONFIG})
  foreach(route critical:flink-oncall-pager warning:flink-team-email info:flink-events-webhook
                none:flink-team-email)
    string(REPLACE ":" ";" parts ${route})
    list(GET parts 0 severity)
    list(GET parts 1 receiver)
    flinkha_prom_test(amtool_route_${severity} ${FLINKHA_AMTOOL} config routes test
                      --config.file=${FLINKHA_AM_CONFIG} --verify.receivers=${receiver}
                      severity=${severity} alertname=FlinkNoLeader flink_cluster=rp)
  endforeach()
endif()

if(FLINKHA_PYTHON3)
  flinkha_prom_test(lint_dashboards ${FLINKHA_PYTHON3} ${FLINKHA_PROM_DIR}/lint_dashboards.py)
  flinkha_prom_test(dashboards_generated ${FLINKHA_PYTHON3}
                    ${PROJECT_SOURCE_DIR}/dashboards/generate.py --check)
  flinkha_prom_test(tools ${FLINKHA_PYTHON3} ${FLINKHA_PROM_DIR}/tools_test.py)
  if(FLINKHA_ALERTMANAGER)
    flinkha_prom_test(inhibit_rules ${FLINKHA_PYTHON3} ${FLINKHA_PROM_DIR}/inhibit_test.py
                      --alertmanager-bin ${FLINKHA_ALERTMANAGER})
  endif()
  if(FLINKHA_PROMETHEUS)
    # About 8s: Prometheus applies new scrape targets on a 5s tick.
    flinkha_prom_test(dashboard_queries_fixture ${FLINKHA_PYTHON3}
                      ${FLINKHA_PROM_DIR}/fixture_prometheus.py
                      --prometheus-bin ${FLINKHA_PROMETHEUS} --self-check)
  endif()
endif()

# The names rules and dashboards may use are exactly what the exporter emits.
add_test(NAME prom_metric_names_match_exporter
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_metric_names.py)
set_tests_properties(prom_metric_names_match_exporter PROPERTIES LABELS prom)
