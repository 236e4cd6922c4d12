# Real-ZooKeeper tier (ctest label zk): HaWatcher against Java leader contenders, the 4lw
# health probe against a real server. Plus the watch-delay benchmark (bench/zk_watch_delay.cc),
# which needs the same ZooKeeper test support.
file(GLOB FLINKHA_ZK_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_test.cc)
add_executable(zk_tests ${FLINKHA_ZK_TESTS})
target_link_libraries(zk_tests PRIVATE flinkha_test_support)
if(TARGET flinksim)
  add_dependencies(zk_tests flinksim)
endif()
catch_discover_tests(zk_tests PROPERTIES LABELS zk)

add_executable(zk_watch_delay ${CMAKE_SOURCE_DIR}/bench/zk_watch_delay.cc)
target_link_libraries(zk_watch_delay PRIVATE flinkha_test_support)
