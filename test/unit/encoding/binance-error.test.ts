// Binance's error body read for reports: the code and one line, whatever the body turns out to be.
import { describe, expect, it } from "vitest";
import { errorCode, messageOf } from "../../../shared/encoding/binance-error.ts";

describe("Binance error bodies", () => {
  it("reads the code and the message", () => {
    const body = '{"code":-2013,"msg":"Order does not exist."}';
    expect(errorCode(body)).toBe(-2013);
    expect(messageOf(body)).toBe("-2013 Order does not exist.");
  });

  it("gives the start of a body that is not Binance's JSON", () => {
    expect(errorCode("<html>502 Bad Gateway</html>")).toBeNull();
    expect(messageOf("<html>502 Bad Gateway</html>")).toBe("<html>502 Bad Gateway</html>");
    expect(messageOf("x".repeat(300))).toHaveLength(200);
  });
});
