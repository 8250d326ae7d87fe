//! Roles and their permissions: the defaults of the policy's organisation, editable by an
//! administrator (an edited role is stored in `role_overrides`; the others keep these).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// One thing a person may do. Codes are stable: they are stored and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
pub enum Permission {
    /// See cases within the role's scope.
    #[serde(rename = "case.view")]
    CaseView,
    /// See consumers' full contact data on every visible case (without it: only on one's own).
    #[serde(rename = "case.contact")]
    CaseContact,
    /// Record complaints (受理).
    #[serde(rename = "case.intake")]
    CaseIntake,
    /// Move cases through the handling workflow (处理).
    #[serde(rename = "case.handle")]
    CaseHandle,
    /// Approve compensation above the threshold.
    #[serde(rename = "compensation.approve")]
    CompensationApprove,
    /// Export personal data in bulk (ledger exports).
    #[serde(rename = "data.export")]
    DataExport,
    /// Edit taxonomies: channels, categories, stores' lists, deadlines.
    #[serde(rename = "taxonomy.edit")]
    TaxonomyEdit,
    /// Edit document templates.
    #[serde(rename = "template.edit")]
    TemplateEdit,
    /// Create and edit accounts, reset passwords, change settings.
    #[serde(rename = "account.manage")]
    AccountManage,
    /// Edit the organisation.
    #[serde(rename = "org.edit")]
    OrgEdit,
    /// Edit roles' permissions.
    #[serde(rename = "role.edit")]
    RoleEdit,
    /// Re-check the audit chain.
    #[serde(rename = "audit.verify")]
    AuditVerify,
    /// Generate demo data.
    #[serde(rename = "demo.generate")]
    DemoGenerate,
    /// Write and issue internal bulletins on typical cases.
    #[serde(rename = "bulletin.issue")]
    BulletinIssue,
    /// Import cases from spreadsheets (old ledgers, other systems).
    #[serde(rename = "data.import")]
    DataImport,
    /// Set KPI targets and record business volume (orders per unit and month).
    #[serde(rename = "kpi.manage")]
    KpiManage,
    /// Handle emergencies (§六): draft contingency plans, record drills, declare incidents and
    /// work them (link cases, run the plan's steps, report to authorities, measures, review).
    #[serde(rename = "emergency.manage")]
    EmergencyManage,
    /// Approve contingency plan versions and close incidents (a managing role).
    #[serde(rename = "emergency.approve")]
    EmergencyApprove,
    /// Supervise (§七): inspections with samples and rectification, compliance findings,
    /// scorecards of departments and staff, proposing rewards and penalties.
    #[serde(rename = "supervision.manage")]
    SupervisionManage,
    /// Approve or reject rewards and penalties (a managing role).
    #[serde(rename = "sanction.approve")]
    SanctionApprove,
    /// Consumers' personal data (PIPL): the retention rule and its runs, legal holds,
    /// anonymisation and export on a consumer's request.
    #[serde(rename = "privacy.manage")]
    PrivacyManage,
    /// Draft operating standards: service commitments, charges, standard contract terms (§二(二)).
    #[serde(rename = "standard.manage")]
    StandardManage,
    /// Approve a standard's version and the day it is in force from (a managing role).
    #[serde(rename = "standard.approve")]
    StandardApprove,
}

impl Permission {
    pub const ALL: [Permission; 23] = [
        Permission::CaseView,
        Permission::CaseContact,
        Permission::CaseIntake,
        Permission::CaseHandle,
        Permission::CompensationApprove,
        Permission::DataExport,
        Permission::TaxonomyEdit,
        Permission::TemplateEdit,
        Permission::AccountManage,
        Permission::OrgEdit,
        Permission::RoleEdit,
        Permission::AuditVerify,
        Permission::DemoGenerate,
        Permission::BulletinIssue,
        Permission::DataImport,
        Permission::KpiManage,
        Permission::EmergencyManage,
        Permission::EmergencyApprove,
        Permission::SupervisionManage,
        Permission::SanctionApprove,
        Permission::PrivacyManage,
        Permission::StandardManage,
        Permission::StandardApprove,
    ];
}

/// Which cases a role sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CaseScope {
    /// Every case.
    All,
    /// Cases of the person's own department (unit), and those they received or handle.
    Department,
    /// Only cases they received or handle.
    Own,
}

impl CaseScope {
    pub fn code(self) -> &'static str {
        match self {
            CaseScope::All => "all",
            CaseScope::Department => "department",
            CaseScope::Own => "own",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "all" => Some(CaseScope::All),
            "department" => Some(CaseScope::Department),
            "own" => Some(CaseScope::Own),
            _ => None,
        }
    }
}

/// The policy's roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum RoleCode {
    /// 客服专员
    IntakeAgent,
    /// 处理专员
    Handler,
    /// 法务
    Legal,
    /// 部门负责人
    DepartmentHead,
    /// 主管 / 管理层
    Manager,
    /// 系统管理员
    Administrator,
}

impl RoleCode {
    pub const ALL: [RoleCode; 6] = [
        RoleCode::IntakeAgent,
        RoleCode::Handler,
        RoleCode::Legal,
        RoleCode::DepartmentHead,
        RoleCode::Manager,
        RoleCode::Administrator,
    ];

    pub fn code(self) -> &'static str {
        match self {
            RoleCode::IntakeAgent => "intake_agent",
            RoleCode::Handler => "handler",
            RoleCode::Legal => "legal",
            RoleCode::DepartmentHead => "department_head",
            RoleCode::Manager => "manager",
            RoleCode::Administrator => "administrator",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        RoleCode::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The defaults: least privilege for each job.
    pub fn default_grant(self) -> RoleGrant {
        use Permission::*;
        let (perms, scope): (&[Permission], CaseScope) = match self {
            // Agents look up any consumer's history at intake, but see full contact data
            // only on the cases they received or handle.
            RoleCode::IntakeAgent => (&[CaseView, CaseIntake], CaseScope::All),
            RoleCode::Handler => (&[CaseView, CaseIntake, CaseHandle], CaseScope::Department),
            RoleCode::Legal => (
                &[
                    CaseView,
                    CaseContact,
                    CaseHandle,
                    CompensationApprove,
                    BulletinIssue,
                    EmergencyManage,
                    SupervisionManage,
                    PrivacyManage,
                    StandardManage,
                ],
                CaseScope::All,
            ),
            RoleCode::DepartmentHead => (
                &[
                    CaseView,
                    CaseContact,
                    CaseHandle,
                    DataExport,
                    BulletinIssue,
                    EmergencyManage,
                    SupervisionManage,
                ],
                CaseScope::Department,
            ),
            RoleCode::Manager => (
                &[
                    CaseView,
                    CaseContact,
                    CaseHandle,
                    CompensationApprove,
                    DataExport,
                    DataImport,
                    AuditVerify,
                    BulletinIssue,
                    KpiManage,
                    EmergencyManage,
                    EmergencyApprove,
                    SupervisionManage,
                    SanctionApprove,
                    PrivacyManage,
                    StandardManage,
                    StandardApprove,
                ],
                CaseScope::All,
            ),
            // Administrators run the system; they do not need consumers' contact data.
            RoleCode::Administrator => (
                &[
                    CaseView,
                    TaxonomyEdit,
                    TemplateEdit,
                    AccountManage,
                    OrgEdit,
                    RoleEdit,
                    AuditVerify,
                    DemoGenerate,
                    DataImport,
                ],
                CaseScope::All,
            ),
        };
        RoleGrant { permissions: perms.iter().copied().collect(), case_scope: scope }
    }
}

/// What a role allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RoleGrant {
    pub permissions: BTreeSet<Permission>,
    pub case_scope: CaseScope,
}

impl RoleGrant {
    /// The union of several roles: every permission of any, the widest scope of any.
    pub fn union<'a>(grants: impl IntoIterator<Item = &'a RoleGrant>) -> RoleGrant {
        let mut permissions = BTreeSet::new();
        let mut case_scope = CaseScope::Own;
        for g in grants {
            permissions.extend(g.permissions.iter().copied());
            case_scope = match (case_scope, g.case_scope) {
                (CaseScope::All, _) | (_, CaseScope::All) => CaseScope::All,
                (CaseScope::Department, _) | (_, CaseScope::Department) => CaseScope::Department,
                _ => CaseScope::Own,
            };
        }
        RoleGrant { permissions, case_scope }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_defaults_follow_the_policy() {
        for r in RoleCode::ALL {
            assert_eq!(RoleCode::from_code(r.code()), Some(r));
        }
        let legal = RoleCode::Legal.default_grant();
        let agent = RoleCode::IntakeAgent.default_grant();
        let admin = RoleCode::Administrator.default_grant();
        let head = RoleCode::DepartmentHead.default_grant();
        assert!(legal.permissions.contains(&Permission::CompensationApprove));
        assert!(RoleCode::Manager
            .default_grant()
            .permissions
            .contains(&Permission::CompensationApprove));
        assert!(!RoleCode::Handler
            .default_grant()
            .permissions
            .contains(&Permission::CompensationApprove));
        assert!(!agent.permissions.contains(&Permission::CaseContact));
        assert!(admin.permissions.contains(&Permission::AccountManage));
        assert!(RoleCode::ALL
            .iter()
            .filter(|r| **r != RoleCode::Administrator)
            .all(|r| !r.default_grant().permissions.contains(&Permission::AccountManage)));
        assert_eq!(head.case_scope, CaseScope::Department);
        let both = RoleGrant::union([&agent, &head]);
        assert_eq!(both.case_scope, CaseScope::All);
        assert!(both.permissions.contains(&Permission::CaseContact));
    }
}
