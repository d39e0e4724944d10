import { useEffect, useRef, useState } from "react";
import { Tabs } from "antd";
import { useTranslation } from "react-i18next";
import { api, call, type Segment, type TagGroup } from "../../api";
import { latest, STALE } from "../../shell/latest";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import CampaignsTab from "./CampaignsTab";
import CustomerList from "./CustomerList";
import HandoverTab from "./HandoverTab";
import TagsTab from "./TagsTab";
import WelcomeTab from "./WelcomeTab";

/**
 * Customer contact (guide §5): customers and their RFM segments, tags in three layers, welcome
 * messages, the mass-message calendar and leavers' handover.
 */
export default function CustomersPage() {
  const { t } = useTranslation();
  const report = useReport();
  const { revision } = useWorkspace();
  const [tab, setTab] = useState("customers");
  const [groups, setGroups] = useState<TagGroup[]>([]);
  const [segments, setSegments] = useState<Segment[]>([]);
  const run = useRef(latest()).current;

  useEffect(() => {
    run(call(api.tagGroups()))
      .then((g) => {
        if (g !== STALE) setGroups(g);
      })
      .catch(report);
  }, [revision, report, run]);

  return (
    <div data-testid="customers-page">
      <Tabs
        activeKey={tab}
        onChange={setTab}
        destroyOnHidden
        items={[
          { key: "customers", label: <span data-testid="customers-tab-customers">{t("customers_ui.tabs.customers")}</span>, children: <CustomerList groups={groups} onSegments={setSegments} /> },
          { key: "tags", label: <span data-testid="customers-tab-tags">{t("customers_ui.tabs.tags")}</span>, children: <TagsTab groups={groups} /> },
          { key: "welcome", label: <span data-testid="customers-tab-welcome">{t("customers_ui.tabs.welcome")}</span>, children: <WelcomeTab /> },
          { key: "campaigns", label: <span data-testid="customers-tab-campaigns">{t("customers_ui.tabs.campaigns")}</span>, children: <CampaignsTab groups={groups} segments={segments} /> },
          { key: "handover", label: <span data-testid="customers-tab-handover">{t("customers_ui.tabs.handover")}</span>, children: <HandoverTab /> },
        ]}
      />
    </div>
  );
}
