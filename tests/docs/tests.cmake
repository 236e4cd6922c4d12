# Documentation checks (label unit): docs/metrics.md against the golden /metrics files, links and
# anchors in docs/ and README.md, the Chinese translation's structure, and every --help flag and
# configuration key in docs/configuration.md. Python 3 only; a missing interpreter fails the tests.
find_program(FLINKHA_DOCS_PYTHON3 python3)
set(FLINKHA_DOCS_CHECK ${CMAKE_CURRENT_LIST_DIR}/check_docs.py)

foreach(check metrics links translations flags selftest)
  if(FLINKHA_DOCS_PYTHON3)
    add_test(NAME docs_${check}
      COMMAND ${FLINKHA_DOCS_PYTHON3} ${FLINKHA_DOCS_CHECK} ${check}
        --source-dir ${CMAKE_SOURCE_DIR} --exporter $<TARGET_FILE:flink-ha-exporter>)
  else()
    add_test(NAME docs_${check} COMMAND sh -c "echo 'docs_${check}: python3 is missing'; exit 1")
  endif()
  set_tests_properties(docs_${check} PROPERTIES LABELS "unit;docs")
endforeach()
