import { DownOutlined, ExportOutlined } from "@ant-design/icons";
import { App, Button, Dropdown } from "antd";

import { call, dialogs, type CasesListRequest, type ExportFormat, type LedgerColumn, type OperationError } from "../../api";
import { useI18n } from "../../i18n";
import { chinaToday } from "../handling/common";
import { JobModal, useJob } from "../Job";

/**
 * 导出 ▾: every case the ledger's filter finds (all pages), in the columns shown and their
 * order, to .xlsx or .csv where the person picks; with progress and cancel.
 */
export function ExportButton({ filter, columns }: { filter: CasesListRequest; columns: LedgerColumn[] }) {
  const { m, lang } = useI18n();
  const e = m.ledger.export;
  const { message } = App.useApp();
  const { job, run, cancel } = useJob();

  const start = async (format: ExportFormat) => {
    let path: string | null;
    try {
      path = await dialogs.saveSpreadsheet(e.saveTitle, e.fileName(chinaToday().replaceAll("-", ""), format));
    } catch (err) {
      message.error((err as OperationError).message);
      return;
    }
    if (!path) return;
    const chosen = path;
    try {
      const result = await run((jobId) =>
        call("cases.export", { path: chosen, filter, columns, lang, job_id: jobId }),
      );
      if (result.cancelled) {
        message.info(e.cancelled);
      } else {
        message.success({
          content: `${e.done(result.rows, result.path)}${result.masked ? e.masked : ""}`,
          duration: 8,
        });
      }
    } catch (err) {
      message.error((err as OperationError).message);
    }
  };

  return (
    <>
      <Dropdown
        trigger={["click"]}
        disabled={job !== null}
        menu={{
          items: [
            { key: "xlsx", label: <span data-testid="export-xlsx">{e.xlsx}</span> },
            { key: "csv", label: <span data-testid="export-csv">{e.csv}</span> },
          ],
          onClick: ({ key }) => void start(key as ExportFormat),
        }}
      >
        <Button icon={<ExportOutlined />} data-testid="export-button">
          {e.button} <DownOutlined />
        </Button>
      </Dropdown>
      <JobModal job={job} title={e.title} onCancel={cancel} testId="export-progress" />
    </>
  );
}
