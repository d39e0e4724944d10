import { Segmented } from "antd";
import type { Lang } from "../api";

export default function LanguageSwitch({ lang, onChange }: { lang: Lang; onChange: (l: Lang) => void }) {
  return (
    <Segmented<Lang>
      data-testid="language-switch"
      size="small"
      value={lang}
      onChange={onChange}
      options={[
        { label: "中文", value: "zh-CN" },
        { label: "EN", value: "en-US" },
      ]}
    />
  );
}
