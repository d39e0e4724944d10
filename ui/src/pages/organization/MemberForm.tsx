import { useEffect, useMemo, useState } from "react";
import { App, Button, Col, DatePicker, Divider, Drawer, Form, Input, Row, Select, Space, TreeSelect } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { ApiError, api, call, type Department, type Gender, type Member, type MemberInput, type MemberStatus } from "../../api";
import { describe, errorField, errorMessage } from "../../errors";
import { useWorkspace } from "../../shell/workspace";
import { usePresentation } from "../../shell/presentation";
import { buildTree, type DeptNode } from "./tree";

const STATUSES: MemberStatus[] = ["invited", "unverified", "active", "frozen", "departed"];
const GENDERS: Gender[] = ["male", "female"];
const TEXT_FIELDS = ["alias", "telephone", "biz_email", "employee_no", "rank", "address", "employment_type"] as const;

interface Values {
  name: string;
  userid?: string;
  departments: number[];
  main_department?: number;
  leader_of?: number[];
  mobile?: string;
  email?: string;
  position?: string;
  gender?: Gender;
  status: MemberStatus;
  manager?: string;
  join_date?: Dayjs;
  alias?: string;
  telephone?: string;
  biz_email?: string;
  employee_no?: string;
  rank?: string;
  address?: string;
  employment_type?: string;
}

/** Form values → the core's input: the main department first, empty text as null. */
export function toInput(v: Values): MemberInput {
  const main = v.main_department ?? v.departments[0];
  const departments = [main, ...v.departments.filter((d) => d !== main)].filter((d) => d !== undefined);
  const text = (s?: string) => (s && s.trim() ? s.trim() : null);
  const input: MemberInput = {
    userid: text(v.userid),
    name: v.name,
    mobile: text(v.mobile),
    email: text(v.email),
    position: text(v.position),
    gender: v.gender ?? null,
    status: v.status,
    manager: v.manager ?? null,
    join_date: v.join_date ? v.join_date.format("YYYY-MM-DD") : null,
    departments,
    leader_of: (v.leader_of ?? []).filter((d) => departments.includes(d)),
  };
  for (const f of TEXT_FIELDS) input[f] = text(v[f]);
  return input;
}

function toValues(m: Member): Values {
  const values: Values = {
    name: m.name,
    userid: m.userid,
    departments: m.department_ids,
    main_department: m.department_ids[0],
    leader_of: m.department_ids.filter((_, i) => m.leader_of.includes(m.departments[i])),
    mobile: m.mobile ?? undefined,
    email: m.email ?? undefined,
    position: m.position ?? undefined,
    gender: m.gender ?? undefined,
    status: m.status,
    manager: m.manager ?? undefined,
    join_date: m.join_date ? dayjs(m.join_date) : undefined,
  };
  for (const f of TEXT_FIELDS) values[f] = m[f] ?? undefined;
  return values;
}

interface Props {
  member: Member | "new" | null;
  departments: Department[];
  defaultDepartment: Department | null;
  onClose: () => void;
}

export default function MemberForm({ member, departments, defaultDepartment, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { changed } = useWorkspace();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [people, setPeople] = useState<Member[]>([]);
  const chosen: number[] = Form.useWatch("departments", form) ?? [];
  const editing = member !== null && member !== "new" ? member : null;
  const pres = usePresentation();
  // In presentation mode an existing member's personal data is shown masked and kept as it is.
  const masked = (field: keyof Values) =>
    !!editing && pres.on && (["mobile", "email", "telephone", "biz_email"].includes(field) || (pres.mask?.names === true && (field === "name" || field === "alias")));

  useEffect(() => {
    if (member === null) return;
    form.resetFields();
    if (editing) {
      const values = toValues(editing);
      if (pres.on) {
        values.mobile = pres.mobile(values.mobile) || undefined;
        values.telephone = pres.mobile(values.telephone) || undefined;
        values.email = pres.email(values.email) || undefined;
        values.biz_email = pres.email(values.biz_email) || undefined;
        values.name = pres.name(values.name);
        values.alias = pres.name(values.alias) || undefined;
      }
      form.setFieldsValue(values);
    } else {
      form.setFieldsValue({ status: "active", departments: defaultDepartment ? [defaultDepartment.id] : [], main_department: defaultDepartment?.id });
    }
    call(api.listMembers({ department: null, direct_only: false, search: null }))
      .then(setPeople)
      .catch(() => setPeople([]));
  }, [member, editing, defaultDepartment, form, pres]);

  const treeData = useMemo(() => {
    type Item = { value: number; title: string; children: Item[] };
    const toData = (nodes: DeptNode[]): Item[] =>
      nodes.map((n) => ({ value: n.key, title: n.dept.name, children: toData(n.children) }));
    return toData(buildTree(departments));
  }, [departments]);

  const chosenOptions = chosen.map((id) => ({ value: id, label: departments.find((d) => d.id === id)?.path ?? String(id) }));

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    try {
      const input = toInput(values);
      if (editing && pres.on) {
        // Masked fields were not editable: keep what the member has.
        for (const f of ["mobile", "email", "telephone", "biz_email", "name", "alias"] as const) {
          if (masked(f)) (input as Record<string, unknown>)[f] = editing[f];
        }
      }
      const saved = editing ? await call(api.updateMember(editing.userid, input)) : await call(api.addMember(input));
      message.success(editing ? t("members.saved", { name: saved.name }) : t("members.added", { name: saved.name, userid: saved.userid }));
      if (saved.created_departments.length) message.info(t("members.created_departments", { paths: saved.created_departments.join("、") }));
      changed();
      onClose();
    } catch (e) {
      const field = e instanceof ApiError ? errorField(e.dto) : undefined;
      if (e instanceof ApiError && field) form.setFields([{ name: field as keyof Values, errors: [errorMessage(t, e.dto)] }]);
      message.error(describe(t, e));
    } finally {
      setBusy(false);
    }
  };

  const text = (name: keyof Values, placeholder?: string) => (
    <Form.Item name={name} label={t(`fields.${name}`)} tooltip={masked(name) ? t("topbar.masked_field") : undefined}>
      <Input placeholder={placeholder} disabled={masked(name)} data-testid={`member-${name}`} />
    </Form.Item>
  );

  return (
    <Drawer
      open={member !== null}
      width={640}
      title={editing ? t("members.edit_title", { name: pres.name(editing.name) }) : t("members.add_title")}
      onClose={onClose}
      destroyOnHidden
      forceRender
      extra={
        <Space>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button type="primary" loading={busy} onClick={submit} data-testid="member-save">
            {t("common.save")}
          </Button>
        </Space>
      }
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark="optional"
        // An error the core reported for a field goes away once that field is edited.
        onValuesChange={(changedValues) =>
          form.setFields(Object.keys(changedValues).map((name) => ({ name: name as keyof Values, errors: [] })))
        }
      >
        <Divider titlePlacement="start" plain>
          {t("members.basic")}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="name" label={t("fields.name")} rules={[{ required: true, whitespace: true, message: t("members.name_required") }]}>
              <Input maxLength={64} disabled={masked("name")} data-testid="member-name-input" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="userid" label={t("fields.userid")} tooltip={editing ? t("members.userid_locked") : undefined}>
              <Input disabled={!!editing} placeholder={t("members.userid_placeholder")} maxLength={64} data-testid="member-userid" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="departments" label={t("fields.departments")} rules={[{ required: true, message: t("members.departments_required") }]}>
          <TreeSelect multiple treeDefaultExpandAll treeData={treeData} placeholder={t("members.departments_placeholder")} data-testid="member-departments" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="main_department" label={t("members.main_department")} tooltip={t("members.main_department_hint")}>
              <Select options={chosenOptions} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="leader_of" label={t("members.leader_of")}>
              <Select mode="multiple" options={chosenOptions} />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start" plain>
          {t("members.contact")}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>{text("mobile", t("members.mobile_placeholder"))}</Col>
          <Col span={12}>{text("email", "zhangwei@example.com")}</Col>
          <Col span={12}>{text("telephone")}</Col>
          <Col span={12}>{text("biz_email")}</Col>
        </Row>
        <Divider titlePlacement="start" plain>
          {t("members.work")}
        </Divider>
        <Row gutter={16}>
          <Col span={12}>{text("position")}</Col>
          <Col span={12}>
            <Form.Item name="manager" label={t("fields.manager")}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: "label" }}
                placeholder={t("members.manager_placeholder")}
                options={people.filter((p) => p.userid !== editing?.userid).map((p) => ({ value: p.userid, label: `${p.name} (${p.userid})` }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="status" label={t("fields.status")}>
              <Select options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="gender" label={t("fields.gender")}>
              <Select allowClear options={GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="join_date" label={t("fields.join_date")}>
              <DatePicker style={{ width: "100%" }} placeholder={t("members.date_placeholder")} />
            </Form.Item>
          </Col>
          <Col span={12}>{text("employee_no")}</Col>
          <Col span={12}>{text("rank")}</Col>
          <Col span={12}>{text("employment_type")}</Col>
          <Col span={12}>{text("alias")}</Col>
          <Col span={12}>{text("address")}</Col>
        </Row>
      </Form>
    </Drawer>
  );
}
