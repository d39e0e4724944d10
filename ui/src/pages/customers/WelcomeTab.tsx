import { useEffect, useMemo, useRef, useState } from "react";
import { Alert, App, Button, Card, Form, Input, List, Popconfirm, Radio, Space, Table, Tag, TreeSelect, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type Department, type Welcome, type WelcomeCheck } from "../../api";
import { latest, STALE } from "../../shell/latest";
import MemberPicker from "../../shell/MemberPicker";
import { usePresentation } from "../../shell/presentation";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import { buildTree, type DeptNode } from "../organization/tree";
import { utf8Bytes } from "./customersView";

type Scope = "organisation" | "department" | "member";

/**
 * Welcome messages: one per scope (the organisation, a department with its sub-departments, a
 * member), the customer's and member's names as variables, the platform's length limit, a
 * preview, and the members with customers whom no message reaches.
 */
export default function WelcomeTab() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useReport();
  const pres = usePresentation();
  const { revision, changed } = useWorkspace();
  const [list, setList] = useState<Welcome[]>([]);
  const [check, setCheck] = useState<WelcomeCheck | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [scope, setScope] = useState<Scope>("organisation");
  const [text, setText] = useState("");
  const [department, setDepartment] = useState<string | undefined>();
  const [member, setMember] = useState<string | undefined>();
  const [previewFor, setPreviewFor] = useState<string | undefined>();
  const [customer, setCustomer] = useState("");
  const [preview, setPreview] = useState<string | null | undefined>(undefined);
  const run = useRef(latest()).current;

  useEffect(() => {
    run(Promise.all([call(api.welcomeMessages()), call(api.welcomeCheck()), call(api.listDepartments())]))
      .then((r) => {
        if (r === STALE) return;
        setList(r[0]);
        setCheck(r[1]);
        setDepartments(r[2]);
      })
      .catch(report);
  }, [revision, report, run]);

  const treeData = useMemo(() => {
    type Item = { value: string; title: string; children: Item[] };
    const toData = (nodes: DeptNode[]): Item[] => nodes.map((n) => ({ value: n.dept.path, title: n.dept.name, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [departments]);

  const bytes = utf8Bytes(text);
  const over = check?.limit != null && bytes > check.limit;

  const save = async () => {
    try {
      await call(api.setWelcome({ department: scope === "department" ? (department ?? null) : null, member: scope === "member" ? (member ?? null) : null }, text));
      message.success(t("customers_ui.welcome_saved"));
      setText("");
      changed();
    } catch (e) {
      report(e);
    }
  };

  const remove = async (id: number) => {
    try {
      await call(api.deleteWelcome(id));
      changed();
    } catch (e) {
      report(e);
    }
  };

  const showPreview = async () => {
    if (!previewFor) return;
    try {
      setPreview(await call(api.welcomePreview(previewFor, customer || t("customers_ui.sample_customer"))));
    } catch (e) {
      report(e);
    }
  };

  const scopeText = (w: Welcome) =>
    w.scope.department ? t("customers_ui.scope_department", { path: w.scope.department }) : w.scope.member ? t("customers_ui.scope_member", { userid: w.scope.member }) : t("customers_ui.scope_organisation");

  return (
    <Space direction="vertical" size={16} style={{ width: "100%" }} data-testid="welcome-tab">
      {check && check.uncovered.length > 0 && (
        <Alert
          type="warning"
          showIcon
          data-testid="welcome-uncovered"
          message={t("customers_ui.uncovered", { count: check.uncovered.length })}
          description={check.uncovered
            .slice(0, 20)
            .map((u) => t("customers_ui.uncovered_one", { name: pres.name(u.name), customers: u.customers }))
            .join(t("customers_ui.separator"))}
        />
      )}
      <Card size="small" title={t("customers_ui.welcome_title")}>
        <Table<Welcome>
          size="small"
          rowKey="id"
          dataSource={list}
          pagination={false}
          locale={{ emptyText: t("customers_ui.welcome_empty") }}
          columns={[
            { title: t("customers_ui.scope"), key: "scope", width: 240, render: (_: unknown, w) => scopeText(w) },
            { title: t("customers_ui.text"), dataIndex: "text", render: (v: string) => <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }}>{v}</Typography.Paragraph> },
            {
              title: t("customers_ui.bytes"),
              dataIndex: "bytes",
              width: 120,
              align: "right",
              render: (b: number, w) => (check?.too_long.includes(w.id ?? 0) ? <Tag color="error">{b}</Tag> : b),
            },
            {
              key: "delete",
              width: 80,
              render: (_: unknown, w) => (
                <Popconfirm title={t("customers_ui.welcome_delete_confirm")} onConfirm={() => remove(w.id ?? 0)}>
                  <Button size="small" danger type="link">
                    {t("common.delete")}
                  </Button>
                </Popconfirm>
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" title={t("customers_ui.welcome_set")}>
        <Form layout="vertical" onFinish={save}>
          <Form.Item label={t("customers_ui.scope")}>
            <Space wrap>
              <Radio.Group value={scope} onChange={(e) => setScope(e.target.value)} options={(["organisation", "department", "member"] as const).map((s) => ({ value: s, label: t(`customers_ui.scopes.${s}`) }))} optionType="button" />
              {scope === "department" && <TreeSelect style={{ width: 260 }} treeDefaultExpandAll treeData={treeData} value={department} onChange={setDepartment} />}
              {scope === "member" && <MemberPicker style={{ width: 240 }} value={member} onChange={setMember} />}
            </Space>
          </Form.Item>
          <Form.Item
            label={t("customers_ui.text")}
            validateStatus={over ? "error" : undefined}
            help={
              check?.limit != null
                ? t("customers_ui.bytes_of", { bytes, limit: check.limit, source: check.limit_source ?? "" })
                : t("customers_ui.bytes_unsourced", { bytes })
            }
          >
            <Input.TextArea rows={4} value={text} onChange={(e) => setText(e.target.value)} placeholder={t("customers_ui.welcome_placeholder")} data-testid="welcome-text" />
          </Form.Item>
          <Space>
            <Button onClick={() => setText((s) => `${s}{客户名称}`)}>{t("customers_ui.insert_customer")}</Button>
            <Button onClick={() => setText((s) => `${s}{成员姓名}`)}>{t("customers_ui.insert_member")}</Button>
            <Button type="primary" htmlType="submit" disabled={!text.trim() || over || (scope === "department" && !department) || (scope === "member" && !member)}>
              {t("common.save")}
            </Button>
          </Space>
        </Form>
      </Card>
      <Card size="small" title={t("customers_ui.preview_title")}>
        <Space wrap>
          <MemberPicker style={{ width: 240 }} placeholder={t("customers_ui.preview_member")} value={previewFor} onChange={setPreviewFor} />
          <Input style={{ width: 200 }} placeholder={t("customers_ui.sample_customer")} value={customer} onChange={(e) => setCustomer(e.target.value)} />
          <Button onClick={showPreview} disabled={!previewFor}>
            {t("customers_ui.preview")}
          </Button>
        </Space>
        {preview !== undefined && (
          <List style={{ marginTop: 12 }} bordered dataSource={[preview ?? t("customers_ui.preview_none")]} renderItem={(p) => <List.Item style={{ whiteSpace: "pre-wrap" }}>{p}</List.Item>} />
        )}
      </Card>
    </Space>
  );
}
