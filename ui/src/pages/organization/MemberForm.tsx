import { memo, useEffect, useMemo, useState } from "react";
import { App, Button, Col, DatePicker, Divider, Drawer, Form, Input, Row, Select, Space, TreeSelect } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import {
  ApiError,
  MEMBER_FIELDS,
  api,
  call,
  type Department,
  type FieldGroup,
  type FieldKey,
  type FieldSpec,
  type Gender,
  type Member,
  type MemberFields,
  type MemberInput,
  type MemberStatus,
} from "../../api";
import { describe, errorField, errorMessage } from "../../errors";
import { useWorkspace } from "../../shell/workspace";
import { usePresentation } from "../../shell/presentation";
import MemberPicker from "../../shell/MemberPicker";
import { useOpened } from "../../shell/useOpened";
import { buildTree, type DeptNode } from "./tree";

const STATUSES: MemberStatus[] = ["invited", "unverified", "active", "frozen", "departed"];
const GENDERS: Gender[] = ["male", "female"];
const GROUPS: FieldGroup[] = ["basic", "contact", "work"];

/** The form's values: the member fields (a date as a Dayjs), the account and departments. */
type Values = { [K in FieldKey]?: K extends "join_date" ? Dayjs : K extends "gender" ? Gender : K extends "status" ? MemberStatus : string } & {
  userid?: string;
  departments: number[];
  main_department?: number;
  leader_of?: number[];
};

/** Form values → the core's input: the main department first, empty text as null. */
export function toInput(v: Values): MemberInput {
  const main = v.main_department ?? v.departments[0];
  const departments = [main, ...v.departments.filter((d) => d !== main)].filter((d) => d !== undefined);
  const text = (s?: string) => (s && s.trim() ? s.trim() : null);
  const fields: Record<string, unknown> = {};
  for (const spec of MEMBER_FIELDS) {
    const value = v[spec.key];
    if (spec.kind === "name") fields[spec.key] = value ?? "";
    else if (spec.kind === "status") fields[spec.key] = value ?? "active";
    else if (spec.kind === "gender") fields[spec.key] = value ?? null;
    else if (spec.kind === "date") fields[spec.key] = value ? (value as Dayjs).format("YYYY-MM-DD") : null;
    else fields[spec.key] = text(value as string | undefined);
  }
  return {
    ...(fields as MemberFields),
    userid: text(v.userid),
    departments,
    leader_of: (v.leader_of ?? []).filter((d) => departments.includes(d)),
  };
}

function toValues(m: Member): Values {
  const values: Values = {
    userid: m.userid,
    departments: m.department_ids,
    main_department: m.department_ids[0],
    leader_of: m.department_ids.filter((_, i) => m.leader_of.includes(m.departments[i])),
  };
  const fields = values as Record<string, unknown>;
  for (const spec of MEMBER_FIELDS) {
    const value = m[spec.key];
    fields[spec.key] = spec.kind === "date" ? (value ? dayjs(value as string) : undefined) : (value ?? undefined);
  }
  return values;
}

interface Props {
  member: Member | "new" | null;
  departments: Department[];
  defaultDepartment: Department | null;
  onClose: () => void;
}

function MemberDrawer({ member, departments, defaultDepartment, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { changed } = useWorkspace();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const chosen: number[] = Form.useWatch("departments", form) ?? [];
  const editing = member !== null && member !== "new" ? member : null;
  const pres = usePresentation();
  // In presentation mode an existing member's personal data is shown masked and kept as it is.
  const masked = (spec: FieldSpec) => !!editing && pres.on && (spec.personal === "phone" || spec.personal === "email" || (spec.personal === "name" && pres.mask?.names === true));

  useEffect(() => {
    if (member === null) return;
    form.resetFields();
    if (editing) {
      const values = toValues(editing);
      if (pres.on) {
        const shown = values as unknown as Record<string, string | undefined>;
        const hide = { phone: pres.mobile, email: pres.email, name: pres.name };
        for (const spec of MEMBER_FIELDS) if (spec.personal) shown[spec.key] = hide[spec.personal](shown[spec.key]) || undefined;
      }
      form.setFieldsValue(values);
    } else {
      form.setFieldsValue({ status: "active", departments: defaultDepartment ? [defaultDepartment.id] : [], main_department: defaultDepartment?.id });
    }
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
        for (const spec of MEMBER_FIELDS) if (masked(spec)) (input as Record<string, unknown>)[spec.key] = editing[spec.key];
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

  const placeholders: Partial<Record<FieldKey, string>> = { mobile: t("members.mobile_placeholder"), email: "zhangwei@example.com" };

  /** One member field, drawn as its kind says. */
  const field = (spec: FieldSpec) => {
    const key = spec.key;
    const label = t(`fields.${key}`);
    const hidden = masked(spec);
    let control;
    switch (spec.kind) {
      case "gender":
        control = <Select allowClear options={GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))} />;
        break;
      case "status":
        control = <Select options={STATUSES.map((s) => ({ value: s, label: t(`statuses.${s}`) }))} />;
        break;
      case "date":
        control = <DatePicker style={{ width: "100%" }} placeholder={t("members.date_placeholder")} />;
        break;
      case "member":
        control = (
          <MemberPicker allowClear placeholder={t("members.manager_placeholder")} exclude={editing ? [editing.userid] : []} data-testid="member-manager" />
        );
        break;
      default: {
        // A field that may span lines (the address) gets a text area.
        const props = {
          placeholder: placeholders[key],
          disabled: hidden,
          maxLength: spec.limit?.from === "fixed" ? spec.limit.max : undefined,
          "data-testid": key === "name" ? "member-name-input" : `member-${key}`,
        };
        control = spec.lines ? <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} {...props} /> : <Input {...props} />;
      }
    }
    const required = spec.kind === "name" ? [{ required: true, whitespace: true, message: t("members.name_required") }] : undefined;
    return (
      <Col span={12} key={key}>
        <Form.Item name={key} label={label} rules={required} tooltip={hidden ? t("topbar.masked_field") : undefined}>
          {control}
        </Form.Item>
      </Col>
    );
  };
  const inGroup = (group: FieldGroup) => MEMBER_FIELDS.filter((s) => s.group === group);

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
        {GROUPS.map((group) => (
          <div key={group}>
            <Divider titlePlacement="start" plain>
              {t(`members.${group}`)}
            </Divider>
            <Row gutter={16}>
              {inGroup(group).slice(0, 1).map(field)}
              {group === "basic" && (
                <Col span={12}>
                  <Form.Item name="userid" label={t("fields.userid")} tooltip={editing ? t("members.userid_locked") : undefined}>
                    <Input disabled={!!editing} placeholder={t("members.userid_placeholder")} maxLength={64} data-testid="member-userid" />
                  </Form.Item>
                </Col>
              )}
              {inGroup(group).slice(1).map(field)}
              {group === "basic" && (
                <>
                  <Col span={24}>
                    <Form.Item name="departments" label={t("fields.departments")} rules={[{ required: true, message: t("members.departments_required") }]}>
                      <TreeSelect multiple treeDefaultExpandAll treeData={treeData} placeholder={t("members.departments_placeholder")} data-testid="member-departments" />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name="main_department" label={t("members.main_department")} tooltip={t("members.main_department_hint")}>
                      <Select options={chosenOptions} />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name="leader_of" label={t("members.leader_of")}>
                      <Select mode="multiple" options={chosenOptions} data-testid="member-leader-of" />
                    </Form.Item>
                  </Col>
                </>
              )}
            </Row>
          </div>
        ))}
      </Form>
    </Drawer>
  );
}

/** The member form, drawn from its first opening on. */
function MemberForm(props: Props) {
  return useOpened(props.member !== null) ? <MemberDrawer {...props} /> : null;
}

// Drawn again only when its own props change (not with every keystroke in the list above it).
export default memo(MemberForm);
