import { describe, expect, it } from "vitest";
import i18n from "../i18n";
import { diagnosticsText } from "./DiagnosticsButton";

describe("diagnosticsText", () => {
  it("names the version, the schema and both folders", async () => {
    await i18n.changeLanguage("zh-CN");
    const text = diagnosticsText(
      { version: "0.1.0", os: "linux", arch: "x86_64", data_dir: "/d", log_dir: "/d/logs", schema_version: 12, latest_schema_version: 12, rendering: "no_gpu" },
      i18n.t,
    );
    expect(text.split("\n")).toEqual(["OrgDesk 0.1.0 (linux x86_64)", "工作区结构版本: 12 / 12", "数据文件夹: /d", "日志文件夹: /d/logs", "页面绘制: 未找到 GPU，已关闭 WebKit 合成（软件绘制更快）"]);
  });
  it("says when there is no log", async () => {
    await i18n.changeLanguage("en-US");
    const text = diagnosticsText(
      { version: "0.1.0", os: "linux", arch: "x86_64", data_dir: "/d", log_dir: null, schema_version: null, latest_schema_version: 12, rendering: "default" },
      i18n.t,
    );
    expect(text).toContain("Log folder: none (it could not be written)");
    expect(text).toContain("Workspace schema: - / 12");
    expect(text).toContain("Page drawing: system default");
  });
});
