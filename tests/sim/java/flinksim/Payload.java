// Prints Flink's connection_info bytes for an address and UUID as hex: golden parser fixtures.
package flinksim;

import java.util.UUID;

/** Usage: Payload ADDRESS UUID -> one line of lower-case hex. */
public final class Payload {
  public static void main(String[] args) throws Exception {
    byte[] b = LeaderContender.encode(args[0], UUID.fromString(args[1]));
    StringBuilder s = new StringBuilder();
    for (byte x : b) s.append(String.format("%02x", x));
    System.out.println(s);
  }
}
