/**
 * provider/configParser.ts: Huawei's SDKs' credentials file read as Python's configparser
 * reads it, in-process against the emulator (the file's keys sign the request). What falls
 * through to the next source and what fails the chain: credentialSources.test.ts.
 */
import * as fs from "node:fs";
import { FILE_AK, componentPath, credentialWorld } from "../harness/credentialWorld";
import { PROJECT_ID } from "../harness/world";

const { file, emulatorAccepts, readWith } = credentialWorld();

describe("the credentials file's syntax", () => {
  test("the credentials file as configparser reads it: case-insensitive keys, ':' delimits, [DEFAULT] applies, values continue, %% is a percent sign", async () => {
    emulatorAccepts(FILE_AK, "file%secret");
    const credentials = file(
      "credentials",
      [
        "[DEFAULT]",
        `project_id: ${PROJECT_ID}`,
        "; a comment",
        "[basic]",
        `AK = ${FILE_AK}`,
        "Sk : file%%secret",
        "iam_endpoint = https://iam.example.com",
        "  /continued-is-part-of-the-value",
        "",
      ].join("\r\n"),
    );
    // The continued iam_endpoint holds a line break: refused by the endpoint rules rather than sent anywhere.
    await expect(readWith({ credentialsFile: credentials })).rejects.toThrow(
      /its iam_endpoint ".*\\n\/continued-is-part-of-the-value" holds a space or a control character/,
    );
    fs.writeFileSync(credentials, fs.readFileSync(credentials, "utf8").replace(/iam_endpoint[^\n]*\n[^\n]*\n/, ""));
    expect(await readWith({ credentialsFile: credentials })).toEqual({ path: componentPath, auth: "aksk", accessKey: FILE_AK });
  });
});
