// closedPort() is what every "connection refused" test connects to. CI once saw a CLI run that was
// meant to be refused get a 200 instead: the port had been released, and a parallel test's
// server on port 0 was given it during the retries. These pin down the two properties that make
// it a safe target.
import { describe, expect, it } from "vitest";
import { closedPort, ephemeralPortRange } from "./helpers/server.ts";

describe("closedPort", () => {
  it("is outside the range the kernel gives to listen(0), so no other test's server can be handed it", async () => {
    const [low, high] = ephemeralPortRange();
    for (let i = 0; i < 20; i++) {
      const port = await closedPort();
      expect(port < low || port > high, `port ${port} is inside ${low}-${high}`).toBe(true);
    }
  });

  it("refuses connections", async () => {
    const error = await fetch(`http://127.0.0.1:${await closedPort()}/`).catch((e: Error) => e);
    expect((error as Error & { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });
});
