package auth

import "slices"

// Permission names one kind of action.
type Permission string

// Permissions. Roles grant sets of them; handlers ask for exactly one.
const (
	PermViewDashboard Permission = "dashboard.view"
	PermViewOrgs      Permission = "org.view"
	PermManageOrgs    Permission = "org.manage"
	PermViewUsers     Permission = "user.view"
	PermManageUsers   Permission = "user.manage"
	PermViewAudit     Permission = "audit.view"
	PermDraftAlerts   Permission = "alert.draft"
	PermApproveAlerts Permission = "alert.approve"
	PermOperate       Permission = "ops.edit"
	PermLiaise        Permission = "federation.liaise"
	PermViewMetrics   Permission = "metrics.view"
	PermOwnTokens     Permission = "token.own"
	// PermManageRecipients adds and imports the people and systems warnings go to.
	PermManageRecipients Permission = "recipient.manage"
	// PermReportOps writes significant-events log entries and situation reports.
	PermReportOps Permission = "ops.report"
	// PermVetLog vets log entries onto an incident's shared log (the controller's right).
	PermVetLog Permission = "ops.vet"
	// PermManageGeography imports district boundaries and population grids.
	PermManageGeography Permission = "geography.manage"
	// PermManageSources configures the hazard feeds the node polls.
	PermManageSources Permission = "hazard.source.manage"
	// PermManageTriggers configures the rules that draft warnings from hazard events.
	PermManageTriggers Permission = "hazard.trigger.manage"
)

// Permissions lists every permission, in a stable order.
func Permissions() []Permission {
	return []Permission{PermViewDashboard, PermViewOrgs, PermManageOrgs, PermViewUsers, PermManageUsers, PermViewAudit,
		PermDraftAlerts, PermApproveAlerts, PermOperate, PermLiaise, PermViewMetrics, PermOwnTokens, PermManageRecipients,
		PermReportOps, PermVetLog, PermManageGeography, PermManageSources, PermManageTriggers}
}

// Role names. A user has exactly one role in their organisation.
const (
	RoleAdmin             = "admin"
	RoleDutyOfficer       = "duty_officer"
	RoleApprover          = "approver"
	RoleOperationsOfficer = "operations_officer"
	RolePartnerLiaison    = "partner_liaison"
	RoleViewer            = "viewer"
)

// everyone holds these.
var everyone = []Permission{PermViewDashboard, PermViewOrgs, PermOwnTokens}

// roleGrants lists each role's permissions beyond everyone's. The approver does not draft: the
// two-person rule is easier to keep when the roles differ, and the alert workflow checks the
// drafter and approver are different people in any case.
var roleGrants = map[string][]Permission{
	RoleAdmin: {PermManageOrgs, PermViewUsers, PermManageUsers, PermViewAudit, PermViewMetrics,
		PermDraftAlerts, PermApproveAlerts, PermOperate, PermLiaise, PermManageRecipients, PermReportOps, PermVetLog, PermManageGeography,
		PermManageSources, PermManageTriggers},
	RoleDutyOfficer:       {PermDraftAlerts, PermViewUsers, PermManageRecipients, PermReportOps, PermManageTriggers},
	RoleApprover:          {PermApproveAlerts, PermViewUsers, PermViewAudit},
	RoleOperationsOfficer: {PermOperate, PermViewUsers, PermReportOps, PermVetLog},
	RolePartnerLiaison:    {PermLiaise, PermReportOps},
	RoleViewer:            {},
}

// Roles returns the role names in a stable order, most powerful first.
func Roles() []string {
	return []string{RoleAdmin, RoleDutyOfficer, RoleApprover, RoleOperationsOfficer, RolePartnerLiaison, RoleViewer}
}

// ValidRole reports whether r is a known role.
func ValidRole(r string) bool {
	_, ok := roleGrants[r]
	return ok
}

// Can reports whether role grants p.
func Can(role string, p Permission) bool {
	grants, ok := roleGrants[role]
	if !ok {
		return false
	}
	return slices.Contains(everyone, p) || slices.Contains(grants, p)
}
