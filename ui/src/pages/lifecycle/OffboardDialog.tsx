import { memo, useEffect, useState } from "react";
import { DatePicker, Form, Modal, Typography, type ButtonProps } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useTranslation } from "react-i18next";
import { api, call, type Case, type Member } from "../../api";
import { describe } from "../../errors";
import MemberPicker from "../../shell/MemberPicker";

interface Props {
  member: Member | null;
  onClose: () => void;
  /** The leaver's checklist after offboarding. */
  onDone: (c: Case) => void;
}

/** Offboards a member: the leaving date and the colleague who takes over. */
function OffboardDialog({ member, onClose, onDone }: Props) {
  const { t } = useTranslation();
  const [date, setDate] = useState<Dayjs>(dayjs());
  const [successor, setSuccessor] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setDate(dayjs());
    setSuccessor(undefined);
    setError(null);
  }, [member]);

  const submit = async () => {
    if (!member) return;
    setBusy(true);
    try {
      const c = await call(api.offboard(member.userid, date.format("YYYY-MM-DD"), successor ?? null));
      onDone(c);
      onClose();
    } catch (e) {
      setError(describe(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={member !== null}
      title={member ? t("lifecycle_ui.offboard_title", { name: member.name }) : ""}
      okText={t("lifecycle_ui.offboard")}
      okButtonProps={{ danger: true, loading: busy, "data-testid": "offboard-ok" } as ButtonProps}
      cancelText={t("common.cancel")}
      onOk={submit}
      onCancel={onClose}
    >
      <Typography.Paragraph type="secondary">{t("lifecycle_ui.offboard_hint")}</Typography.Paragraph>
      <Form layout="vertical">
        <Form.Item label={t("lifecycle_ui.leaving_date")}>
          <DatePicker value={date} onChange={(d) => d && setDate(d)} allowClear={false} data-testid="offboard-date" />
        </Form.Item>
        <Form.Item label={t("lifecycle_ui.successor")}>
          <MemberPicker
            value={successor}
            onChange={(u: string) => setSuccessor(u)}
            exclude={member ? [member.userid] : []}
            allowClear
            placeholder={t("lifecycle_ui.successor_placeholder")}
            data-testid="offboard-successor"
          />
        </Form.Item>
      </Form>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Modal>
  );
}

// Drawn again only when its own props change (not with every keystroke in the list above it).
export default memo(OffboardDialog);
