import { useState } from "react";
import { Alert, Button, Modal, Tooltip, Typography } from "antd";
import { BugOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import type { TFunction } from "i18next";
import { api, type Diagnostics } from "../api";

/** The diagnostics as plain text for a bug report (no workspace content in it). */
export function diagnosticsText(d: Diagnostics, t: TFunction): string {
  return [
    `OrgDesk ${d.version} (${d.os} ${d.arch})`,
    `${t("diagnostics.schema")}: ${d.schema_version ?? "-"} / ${d.latest_schema_version}`,
    `${t("diagnostics.data_dir")}: ${d.data_dir}`,
    `${t("diagnostics.log_dir")}: ${d.log_dir ?? t("diagnostics.no_log")}`,
    `${t("diagnostics.rendering")}: ${t(`diagnostics.rendering_${d.rendering}`)}`,
  ].join("\n");
}

/** "Copy diagnostics": copies versions and where the data and the log are, and shows them. */
export default function DiagnosticsButton() {
  const { t } = useTranslation();
  const [shown, setShown] = useState<{ text: string; copied: boolean; logDir: string | null } | null>(null);

  const copy = async () => {
    const d = await api.diagnostics();
    const text = diagnosticsText(d, t);
    let copied = true;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      copied = false;
    }
    setShown({ text, copied, logDir: d.log_dir });
  };

  return (
    <>
      <Tooltip title={t("diagnostics.copy")}>
        <Button icon={<BugOutlined />} aria-label={t("diagnostics.copy")} data-testid="copy-diagnostics" onClick={copy} />
      </Tooltip>
      <Modal
        open={shown !== null}
        title={t("diagnostics.title")}
        onCancel={() => setShown(null)}
        footer={<Button type="primary" onClick={() => setShown(null)}>{t("common.ok")}</Button>}
      >
        {shown && (
          <>
            <Alert
              type={shown.copied ? "success" : "info"}
              showIcon
              style={{ marginBottom: 12 }}
              message={shown.copied ? t("diagnostics.copied") : t("diagnostics.copy_by_hand")}
            />
            <Typography.Paragraph>{t("diagnostics.log_hint", { dir: shown.logDir ?? t("diagnostics.no_log") })}</Typography.Paragraph>
            <Typography.Paragraph copyable={{ text: shown.text }}>
              <pre data-testid="diagnostics-text" style={{ whiteSpace: "pre-wrap", margin: 0 }}>{shown.text}</pre>
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </>
  );
}
