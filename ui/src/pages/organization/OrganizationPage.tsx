import { useEffect, useState } from "react";
import { Card, Col, Row } from "antd";
import { api, call, type Department } from "../../api";
import { useReport } from "../../shell/useReport";
import { useWorkspace } from "../../shell/workspace";
import DepartmentTree from "./DepartmentTree";
import MemberTable from "./MemberTable";

/** The department tree and the members of the selected department. */
export default function OrganizationPage() {
  const report = useReport();
  const { revision } = useWorkspace();
  const [departments, setDepartments] = useState<Department[]>([]);
  const [selected, setSelected] = useState<number | null>(null);

  useEffect(() => {
    call(api.listDepartments())
      .then((list) => {
        setDepartments(list);
        setSelected((s) => (s !== null && list.some((d) => d.id === s) ? s : null));
      })
      .catch(report);
  }, [revision, report]);

  const department = departments.find((d) => d.id === selected) ?? null;

  return (
    <Row gutter={16} style={{ height: "100%" }} wrap={false}>
      <Col flex="320px" style={{ height: "100%" }}>
        <Card style={{ height: "100%" }} styles={{ body: { height: "100%", boxSizing: "border-box", padding: 12 } }}>
          <DepartmentTree departments={departments} selected={selected} onSelect={setSelected} />
        </Card>
      </Col>
      <Col flex="auto" style={{ height: "100%", minWidth: 0 }}>
        <Card style={{ height: "100%" }} styles={{ body: { height: "100%", boxSizing: "border-box", padding: 12 } }}>
          <MemberTable department={department} departments={departments} />
        </Card>
      </Col>
    </Row>
  );
}
