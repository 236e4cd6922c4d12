# The simulated Flink JobManager (Java): built into <build>/sim for the ZooKeeper and e2e tests.
find_package(Java COMPONENTS Development)
if(Java_FOUND)
  file(GLOB_RECURSE FLINKSIM_JAVA CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/java/*.java)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/sim/classpath
    COMMAND ${CMAKE_CURRENT_LIST_DIR}/build.sh ${CMAKE_BINARY_DIR}/sim
    DEPENDS ${FLINKSIM_JAVA} ${CMAKE_CURRENT_LIST_DIR}/build.sh
    COMMENT "Building the simulated Flink JobManager (Java)")
  add_custom_target(flinksim ALL DEPENDS ${CMAKE_BINARY_DIR}/sim/classpath)
  # The e2e tests start simulated JobManagers (SimCluster, the ZooKeeper tests).
  if(TARGET e2e_tests)
    add_dependencies(e2e_tests flinksim)
  endif()
endif()
