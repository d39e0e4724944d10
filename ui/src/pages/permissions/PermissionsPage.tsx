import { useEffect, useRef, useState } from "react";
import { App, Button, Card, Col, Empty, List, Row, Tabs, Tag, Typography } from "antd";
import { ExportOutlined } from "@ant-design/icons";
import { save } from "@tauri-apps/plugin-dialog";
import { useTranslation } from "react-i18next";
import { api, call, type Department, type Finding, type Matrix } from "../../api";
import { describe } from "../../errors";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { latest, STALE } from "../../shell/latest";
import MappingTab from "./MappingTab";
import MatrixTab from "./MatrixTab";
import MembersTab from "./MembersTab";
import WhoCanTab from "./WhoCanTab";
import { countFindings, findingCell } from "./matrixView";

const SEVERITY_COLORS = { error: "red", warning: "orange", info: "default" } as const;

/** Roles × permissions, effective permissions, "who can", platform mapping, and the checks beside them. */
export default function PermissionsPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const { revision } = useWorkspace();
  const [matrix, setMatrix] = useState<Matrix | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [findings, setFindings] = useState<Finding[]>([]);
  const [tab, setTab] = useState("matrix");
  const [focus, setFocus] = useState<{ roleId: number; permission: string } | null>(null);

  // The matrix answers at once; the checks (a pass over every member) follow, and the previous
  // findings stay until they do. Answers overtaken by a newer edit are dropped.
  const runMatrix = useRef(latest()).current;
  const runChecks = useRef(latest()).current;
  useEffect(() => {
    runMatrix(Promise.all([call(api.permissionMatrix()), call(api.listDepartments())]))
      .then((r) => {
        if (r === STALE) return;
        setMatrix(r[0]);
        setDepartments(r[1]);
      })
      .catch(report);
    runChecks(call(api.checkPermissions()))
      .then((f) => f !== STALE && setFindings(f))
      .catch(report);
  }, [revision, report, runMatrix, runChecks]);

  const exportWorkbook = async () => {
    const path = await save({ defaultPath: `${t("permissions_ui.sheet_matrix")}.xlsx`, filters: [{ name: "Excel", extensions: ["xlsx"] }] });
    if (!path) return;
    try {
      await call(api.exportPermissions(path));
      message.success(t("permissions_ui.exported", { path }));
    } catch (e) {
      message.error(describe(t, e));
    }
  };

  if (!matrix) return null;
  const { errors, warnings } = countFindings(findings);

  return (
    <Row gutter={16} style={{ height: "100%" }} wrap={false}>
      <Col flex="auto" style={{ minWidth: 0, height: "100%" }}>
        <Card style={{ height: "100%", overflow: "auto" }} styles={{ body: { padding: 12 } }}>
          <Tabs
            activeKey={tab}
            onChange={setTab}
            tabBarExtraContent={
              <Button icon={<ExportOutlined />} onClick={exportWorkbook}>
                {t("permissions_ui.export")}
              </Button>
            }
            items={[
              { key: "matrix", label: t("permissions_ui.tab_matrix"), children: <MatrixTab matrix={matrix} departments={departments} focus={focus} /> },
              { key: "members", label: t("permissions_ui.tab_members"), children: <div style={{ height: "calc(100vh - 230px)" }}><MembersTab matrix={matrix} /></div> },
              { key: "who", label: t("permissions_ui.tab_who"), children: <WhoCanTab matrix={matrix} departments={departments} /> },
              { key: "mapping", label: t("permissions_ui.tab_mapping"), children: <MappingTab /> },
            ]}
          />
        </Card>
      </Col>
      <Col flex="340px" style={{ height: "100%" }}>
        <Card
          title={
            <span>
              {t("permissions_ui.checks_title")}{" "}
              {findings.length > 0 && (
                <Typography.Text type={errors ? "danger" : "warning"} style={{ fontSize: 12, fontWeight: "normal" }}>
                  {t("permissions_ui.checks_count", { errors, warnings })}
                </Typography.Text>
              )}
            </span>
          }
          style={{ height: "100%", overflow: "auto" }}
          styles={{ body: { padding: 12 } }}
          data-testid="checks-panel"
        >
          {findings.length === 0 ? (
            <Empty description={t("permissions_ui.checks_clean")} />
          ) : (
            <List
              dataSource={findings}
              renderItem={(f) => {
                const cellOf = findingCell(f);
                return (
                  <List.Item
                    data-testid={`finding-${f.code}`}
                    style={{ cursor: cellOf ? "pointer" : undefined, display: "block" }}
                    onClick={() => {
                      if (!cellOf) return;
                      setTab("matrix");
                      setFocus(cellOf);
                    }}
                  >
                    <Tag color={SEVERITY_COLORS[f.severity]}>{t(`severities.${f.severity}`)}</Tag>
                    <Typography.Text>{f.message}</Typography.Text>
                    <Typography.Paragraph type="secondary" style={{ margin: "4px 0 0" }}>
                      → {f.fix}
                    </Typography.Paragraph>
                  </List.Item>
                );
              }}
            />
          )}
        </Card>
      </Col>
    </Row>
  );
}
