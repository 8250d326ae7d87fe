import { EditOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Descriptions, Form, Input, Space, Tag, Typography } from "antd";
import { useState } from "react";

import { call, type IncidentReview as Review, type IncidentView } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, Prose, useRules, type SectionProps } from "./shared";

const FIELDS: (keyof Review)[] = ["causes", "problems", "worked", "lessons", "plan_revisions"];
const REQUIRED: ReadonlySet<keyof Review> = new Set(["causes", "problems", "lessons"]);
const TEST_IDS: Record<keyof Review, string> = {
  causes: "review-causes",
  problems: "review-problems",
  worked: "review-worked",
  lessons: "review-lessons",
  plan_revisions: "review-plan-revisions",
};

/** 总结评估 (§六(三)): the after-action review, and the plan revisions it leads to. */
export function IncidentReview({
  view,
  editable,
  mayManage,
  onView,
  onRevisePlan,
  onOpenPlan,
}: SectionProps & {
  mayManage: boolean;
  onRevisePlan: (planId: string, changeNote: string) => void;
  onOpenPlan: (planId: string) => void;
}) {
  const { m } = useI18n();
  const t = m.emergency.incident.review;
  const p = m.emergency.plans;
  const rules = useRules();
  const [writing, setWriting] = useState(false);
  const review = view.review;

  return (
    <Card
      size="small"
      title={t.title}
      data-testid="incident-review"
      extra={
        <Space size={8}>
          {editable && (
            <Button size="small" icon={<EditOutlined />} onClick={() => setWriting(true)} data-testid="review-open">
              {review ? t.edit : t.write}
            </Button>
          )}
          {mayManage && review && view.plan_id && (
            <Button
              size="small"
              type="primary"
              onClick={() => view.plan_id && onRevisePlan(view.plan_id, review.plan_revisions)}
              data-testid="review-revise-plan"
            >
              {t.revisePlan}
            </Button>
          )}
        </Space>
      }
    >
      {review ? (
        <>
          <Descriptions
            size="small"
            column={1}
            bordered
            styles={{ label: { width: 160 } }}
            data-testid="review-content"
            items={FIELDS.map((f) => ({ key: f, label: t.fields[f], children: <Prose text={review[f]} /> }))}
          />
          <Typography.Text type="secondary" className="num" style={{ display: "block", marginTop: 8, fontSize: 12 }}>
            {t.by(view.reviewed_by ?? "—", formatDateTime(view.reviewed_at))}
          </Typography.Text>
        </>
      ) : (
        <Typography.Text type="secondary" data-testid="review-none">
          {t.none}
        </Typography.Text>
      )}
      {view.revised_plans.length > 0 && (
        <div style={{ marginTop: 12 }} data-testid="revised-plans">
          <Typography.Text strong>{t.revised}</Typography.Text>
          <Space size={[8, 4]} wrap style={{ marginLeft: 8 }}>
            {view.revised_plans.map((r) => (
              <Button
                key={`${r.plan_id}-${r.version}`}
                size="small"
                type="link"
                onClick={() => onOpenPlan(r.plan_id)}
                data-testid="revised-plan"
              >
                {t.revisedVersion(r.title, r.version)}
                <Tag style={{ marginLeft: 4 }}>{p.status[r.status]}</Tag>
              </Button>
            ))}
          </Space>
        </div>
      )}
      <FormModal<{ review: Review }, IncidentView>
        open={writing}
        title={t.formTitle}
        width={760}
        fields={["review"]}
        submitTestId="review-submit"
        initialValues={{
          review: review ?? { causes: "", problems: "", worked: "", lessons: "", plan_revisions: "" },
        }}
        intro={<Alert type="info" showIcon style={{ marginBottom: 12 }} title={t.hint} />}
        submit={(v) =>
          call("incidents.review", {
            id: view.id,
            review: {
              causes: (v.review.causes ?? "").trim(),
              problems: (v.review.problems ?? "").trim(),
              worked: (v.review.worked ?? "").trim(),
              lessons: (v.review.lessons ?? "").trim(),
              plan_revisions: (v.review.plan_revisions ?? "").trim(),
            },
          })
        }
        onCancel={() => setWriting(false)}
        onDone={(v) => {
          setWriting(false);
          onView(v);
        }}
      >
        {FIELDS.map((f) => (
          <Form.Item
            key={f}
            name={["review", f]}
            label={t.fields[f]}
            rules={REQUIRED.has(f) ? [rules.required] : []}
            extra={t.hints[f]}
          >
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={10000} data-testid={TEST_IDS[f]} />
          </Form.Item>
        ))}
      </FormModal>
    </Card>
  );
}
