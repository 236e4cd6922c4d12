# Runs `flink-ha-exporter --config.file=CONFIG --config.check` in WORKDIR and checks the exit
# code and output. Usage: cmake -DEXPORTER=... -DWORKDIR=... -DCONFIG=... -DEXPECT_EXIT=N
#   [-DEXPECT_STDOUT=<exact text>] [-DEXPECT_STDERR_FILE=<file with the exact stderr>]
#   [-DEXPECT_STDERR_REGEX=<regex>] -P check_config.cmake
execute_process(
  COMMAND ${EXPORTER} --config.file=${CONFIG} --config.check
  WORKING_DIRECTORY ${WORKDIR}
  RESULT_VARIABLE exit_code
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)

set(failed FALSE)
if(NOT exit_code STREQUAL EXPECT_EXIT)
  message(SEND_ERROR "exit code: expected ${EXPECT_EXIT}, found ${exit_code}")
  set(failed TRUE)
endif()
if(DEFINED EXPECT_STDOUT AND NOT out STREQUAL "${EXPECT_STDOUT}\n")
  message(SEND_ERROR "stdout: expected \"${EXPECT_STDOUT}\", found \"${out}\"")
  set(failed TRUE)
endif()
if(DEFINED EXPECT_STDERR_FILE)
  file(READ ${EXPECT_STDERR_FILE} expected_err)
  if(NOT err STREQUAL expected_err)
    message(SEND_ERROR "stderr: expected\n${expected_err}found\n${err}")
    set(failed TRUE)
  endif()
endif()
if(DEFINED EXPECT_STDERR_REGEX AND NOT err MATCHES "${EXPECT_STDERR_REGEX}")
  message(SEND_ERROR "stderr: expected a match for ${EXPECT_STDERR_REGEX}, found \"${err}\"")
  set(failed TRUE)
endif()
if(failed)
  message(FATAL_ERROR "flink-ha-exporter --config.file=${CONFIG} --config.check: failed\n"
                      "stdout: ${out}\nstderr: ${err}")
endif()
