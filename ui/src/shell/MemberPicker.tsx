import { useEffect, useMemo, useRef, useState } from "react";
import { Select, type SelectProps } from "antd";
import { api, call, type Member } from "../api";
import { latest, STALE } from "./latest";
import { usePresentation } from "./presentation";

interface Props extends Omit<SelectProps<string>, "options" | "onSearch" | "filterOption" | "showSearch"> {
  /** Accounts not to offer (the member being edited, current holders …). */
  exclude?: string[];
}

/** How many members a search offers. */
const OFFERED = 20;

/**
 * Picks a member by typing part of a name (or its pinyin), account, mobile or email: the core
 * searches, so it stays instant with a million members; the chosen account is the value.
 */
export default function MemberPicker({ exclude = [], value, ...rest }: Props) {
  const pres = usePresentation();
  const [found, setFound] = useState<Member[]>([]);
  const [current, setCurrent] = useState<Member | null>(null);
  const [loading, setLoading] = useState(false);
  const run = useRef(latest()).current;
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const search = (text: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      setLoading(true);
      try {
        const page = await run(call(api.memberPage({ search: text || null, limit: OFFERED })));
        if (page !== STALE) setFound(page.members);
      } catch {
        setFound([]);
      } finally {
        setLoading(false);
      }
    }, 50);
  };

  useEffect(() => {
    search("");
    return () => clearTimeout(timer.current);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // The chosen member's name, for a value set from outside.
  useEffect(() => {
    if (!value) return setCurrent(null);
    if (current?.userid === value) return;
    call(api.getMember(value)).then(setCurrent, () => setCurrent(null));
  }, [value, current]);

  const options = useMemo(() => {
    const list = current && !found.some((m) => m.userid === current.userid) ? [current, ...found] : found;
    return list.filter((m) => !exclude.includes(m.userid)).map((m) => ({ value: m.userid, label: `${pres.name(m.name)} (${m.userid})` }));
  }, [found, current, exclude, pres]);

  return <Select<string> {...rest} value={value} showSearch={{ filterOption: false, onSearch: search }} loading={loading} options={options} />;
}
