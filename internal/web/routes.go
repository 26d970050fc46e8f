package web

import (
	"net/http"

	"github.com/taawun/taawun/internal/auth"
)

// access says who may call a route.
type access int

const (
	// public routes need no login.
	public access = iota
	// loggedIn routes need a login and the route's permission.
	loggedIn
)

// kind says how a route answers and how failures are reported.
type kind int

const (
	kindPage kind = iota // HTML; unauthenticated visitors are sent to /login
	kindAPI              // JSON; failures are problem+json
	kindRaw              // anything else (feeds, files, metrics)
)

// route is one entry of the route table.
type route struct {
	method  string
	pattern string
	access  access
	perm    auth.Permission
	kind    kind
	// summary and tag describe API routes in the OpenAPI document.
	summary string
	tag     string
	// reqSchema and respSchema name components of the OpenAPI document ("" for none).
	reqSchema, respSchema string
	// maxBody overrides the server's body limit (bulk imports).
	maxBody int64
	handle  func(w http.ResponseWriter, r *http.Request, rc *reqCtx)

	// ownCredential routes act on a signed token the request carries, never on a session, so
	// the guard asks for no CSRF token (RFC 8058 one-click unsubscribe posts none); a handler
	// that also takes a session's form checks CSRF itself.
	ownCredential bool
}

// routeTable lists every route the node serves: the core routes below and those of each area,
// which keeps its own list beside its handlers.
func (s *Server) routeTable() []route {
	var all []route
	for _, area := range [][]route{
		s.coreRoutes(),
		s.contactGroupRoutes(),
		s.subscriptionRoutes(),
		s.unsubscribeRoutes(),
		s.geographyRoutes(),
		s.pushRoutes(),
		s.opsRoutes(),
		s.copChartRoutes(),
		s.hazardRoutes(),
	} {
		all = append(all, area...)
	}
	return all
}

// coreRoutes are the node's own routes: operations, accounts, alerts and recipients.
func (s *Server) coreRoutes() []route {
	return []route{
		// Operations.
		{method: "GET", pattern: "/healthz", access: public, kind: kindRaw, handle: s.healthz},
		{method: "GET", pattern: "/readyz", access: public, kind: kindRaw, handle: s.readyz},
		{method: "GET", pattern: "/metrics", access: loggedIn, perm: auth.PermViewMetrics, kind: kindRaw, handle: s.metricsHandler},
		{method: "GET", pattern: "/static/{path...}", access: public, kind: kindRaw, handle: s.serveStatic},
		{method: "GET", pattern: "/favicon.ico", access: public, kind: kindRaw, handle: s.favicon},
		{method: "GET", pattern: "/geo/{file}", access: public, kind: kindRaw, handle: s.serveGeo},

		// Pages.
		{method: "GET", pattern: "/login", access: public, kind: kindPage, handle: s.loginPage},
		{method: "POST", pattern: "/login", access: public, kind: kindPage, handle: s.loginSubmit},
		{method: "POST", pattern: "/logout", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.logout},
		{method: "POST", pattern: "/lang", access: public, kind: kindPage, handle: s.switchLanguage},
		{method: "GET", pattern: "/{$}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.dashboardPage},
		{method: "GET", pattern: "/map", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.mapPage},
		{method: "GET", pattern: "/orgs", access: loggedIn, perm: auth.PermViewOrgs, kind: kindPage, handle: s.orgsPage},
		{method: "GET", pattern: "/users", access: loggedIn, perm: auth.PermViewUsers, kind: kindPage, handle: s.usersPage},
		{method: "POST", pattern: "/users", access: loggedIn, perm: auth.PermManageUsers, kind: kindPage, handle: s.usersCreate},
		{method: "GET", pattern: "/audit", access: loggedIn, perm: auth.PermViewAudit, kind: kindPage, handle: s.auditPage},
		{method: "GET", pattern: "/account", access: loggedIn, perm: auth.PermOwnTokens, kind: kindPage, handle: s.accountPage},
		{method: "POST", pattern: "/account/tokens", access: loggedIn, perm: auth.PermOwnTokens, kind: kindPage, handle: s.accountTokenCreate},
		{method: "POST", pattern: "/account/tokens/{id}/revoke", access: loggedIn, perm: auth.PermOwnTokens, kind: kindPage, handle: s.accountTokenRevoke},

		// Warnings: officers' pages.
		{method: "GET", pattern: "/warnings", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.warningsPage},
		{method: "GET", pattern: "/warnings/new", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningNewPage},
		{method: "POST", pattern: "/warnings", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningCreate},
		{method: "GET", pattern: "/warnings/queue", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindPage, handle: s.warningsQueuePage},
		{method: "GET", pattern: "/warnings/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindPage, handle: s.warningPage},
		{method: "GET", pattern: "/warnings/{id}/edit", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningEditPage},
		{method: "POST", pattern: "/warnings/{id}/edit", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningEdit},
		{method: "GET", pattern: "/warnings/{id}/update", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningEditPage},
		{method: "POST", pattern: "/warnings/{id}/update", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningEdit},
		{method: "POST", pattern: "/warnings/{id}/submit", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningAction},
		{method: "POST", pattern: "/warnings/{id}/cancel", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindPage, handle: s.warningAction},
		{method: "POST", pattern: "/warnings/{id}/approve", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindPage, handle: s.warningAction},
		{method: "POST", pattern: "/warnings/{id}/reject", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindPage, handle: s.warningAction},

		{method: "GET", pattern: "/recipients", access: loggedIn, perm: auth.PermManageRecipients, kind: kindPage, handle: s.recipientsPage},

		// Public warnings: no login.
		{method: "GET", pattern: "/alerts", access: public, kind: kindPage, handle: s.publicAlertsPage},
		{method: "GET", pattern: "/alerts/stream", access: public, kind: kindRaw, handle: s.publicAlertStream},
		{method: "GET", pattern: "/alerts/{ref}", access: public, kind: kindPage, handle: s.publicAlert},
		{method: "GET", pattern: "/alerts.geojson", access: public, kind: kindRaw, handle: s.publicAlertsGeoJSON},
		{method: "GET", pattern: "/subscribe", access: public, kind: kindPage, handle: s.subscribePage},
		{method: "POST", pattern: "/subscribe", access: public, kind: kindPage, handle: s.subscribeSubmit},
		{method: "GET", pattern: "/subscribe/confirm", access: public, kind: kindPage, handle: s.subscribeConfirm},
		{method: "POST", pattern: "/subscribe/confirm", access: public, kind: kindPage, handle: s.subscribeConfirm},
		{method: "GET", pattern: "/feeds/alerts.atom", access: public, kind: kindRaw, handle: s.alertsAtom},

		// API.
		{method: "GET", pattern: "/api/v1/openapi.json", access: public, kind: kindAPI, summary: "This document", tag: "meta", handle: s.openAPI},
		{method: "GET", pattern: "/api/v1/me", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "The caller: user, organisation, permissions", tag: "accounts", respSchema: "Me", handle: s.apiMe},
		{method: "GET", pattern: "/api/v1/orgs", access: loggedIn, perm: auth.PermViewOrgs, kind: kindAPI, summary: "Organisations the caller acts in", tag: "accounts", respSchema: "OrgList", handle: s.apiOrgsList},
		{method: "POST", pattern: "/api/v1/orgs", access: loggedIn, perm: auth.PermManageOrgs, kind: kindAPI, summary: "Create an organisation below one the caller acts in", tag: "accounts", reqSchema: "OrgInput", respSchema: "Org", handle: s.apiOrgsCreate},
		{method: "GET", pattern: "/api/v1/orgs/{id}", access: loggedIn, perm: auth.PermViewOrgs, kind: kindAPI, summary: "One organisation", tag: "accounts", respSchema: "Org", handle: s.apiOrgGet},
		{method: "GET", pattern: "/api/v1/users", access: loggedIn, perm: auth.PermViewUsers, kind: kindAPI, summary: "Users of the organisations the caller acts in", tag: "accounts", respSchema: "UserList", handle: s.apiUsersList},
		{method: "POST", pattern: "/api/v1/users", access: loggedIn, perm: auth.PermManageUsers, kind: kindAPI, summary: "Create a user", tag: "accounts", reqSchema: "UserInput", respSchema: "User", handle: s.apiUsersCreate},
		{method: "POST", pattern: "/api/v1/tokens", access: loggedIn, perm: auth.PermOwnTokens, kind: kindAPI, summary: "Create an API token for the caller (secret shown once)", tag: "accounts", reqSchema: "TokenInput", respSchema: "TokenCreated", handle: s.apiTokensCreate},
		{method: "GET", pattern: "/api/v1/tokens", access: loggedIn, perm: auth.PermOwnTokens, kind: kindAPI, summary: "The caller's API tokens: name and dates, never the secret", tag: "accounts", respSchema: "TokenList", handle: s.apiTokensList},
		{method: "DELETE", pattern: "/api/v1/tokens/{id}", access: loggedIn, perm: auth.PermOwnTokens, kind: kindAPI, summary: "Revoke one of the caller's API tokens: 204, refused at once; 404 for an id that is not one of the caller's", tag: "accounts", handle: s.apiTokenRevoke},
		{method: "GET", pattern: "/api/v1/audit", access: loggedIn, perm: auth.PermViewAudit, kind: kindAPI, summary: "Audit log entries after a sequence number", tag: "audit", respSchema: "AuditList", handle: s.apiAudit},
		{method: "GET", pattern: "/api/v1/hazards", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Hazard templates warnings start from", tag: "alerts", handle: s.apiHazards},
		{method: "GET", pattern: "/api/v1/alerts", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Warnings of the organisations the caller acts in", tag: "alerts", respSchema: "AlertList", handle: s.apiAlertsList},
		{method: "POST", pattern: "/api/v1/alerts", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindAPI, summary: "Draft a warning from a hazard template", tag: "alerts", reqSchema: "AlertInput", respSchema: "Alert", handle: s.apiAlertsCreate},
		{method: "POST", pattern: "/api/v1/alerts/preview", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindAPI, summary: "Check a draft without storing it: problems, CAP findings, recipients inside, SMS segments per language", tag: "alerts", reqSchema: "AlertInput", handle: s.apiAlertPreview},
		{method: "GET", pattern: "/api/v1/alerts/{id}/areas", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "The areas of the warning's latest issued message (application/geo+json)", tag: "alerts", handle: s.apiAlertAreas},
		{method: "GET", pattern: "/api/v1/alerts/{id}/deliveries", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Delivery progress per issued message and channel", tag: "alerts", handle: s.apiAlertDeliveries},
		{method: "GET", pattern: "/api/v1/alerts/queue", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindAPI, summary: "Versions waiting for approval", tag: "alerts", handle: s.apiAlertQueue},
		{method: "GET", pattern: "/api/v1/alerts/{id}", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "A warning with its versions and issued messages", tag: "alerts", respSchema: "AlertDetail", handle: s.apiAlertGet},
		{method: "PUT", pattern: "/api/v1/alerts/{id}", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindAPI, summary: "Replace the content of the draft version", tag: "alerts", reqSchema: "AlertContent", respSchema: "AlertDetail", handle: s.apiAlertEdit},
		{method: "POST", pattern: "/api/v1/alerts/{id}/submit", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindAPI, summary: "Submit the draft for approval (checked against the pk CAP profile)", tag: "alerts", respSchema: "AlertDetail", handle: s.apiAlertSubmit},
		{method: "POST", pattern: "/api/v1/alerts/{id}/approve", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindAPI, summary: "Approve and issue the submitted version (a second officer)", tag: "alerts", respSchema: "AlertDetail", handle: s.apiAlertApprove},
		{method: "POST", pattern: "/api/v1/alerts/{id}/reject", access: loggedIn, perm: auth.PermApproveAlerts, kind: kindAPI, summary: "Return the submitted version with a reason", tag: "alerts", reqSchema: "Reason", respSchema: "AlertDetail", handle: s.apiAlertReject},
		{method: "POST", pattern: "/api/v1/alerts/{id}/revise", access: loggedIn, perm: auth.PermDraftAlerts, kind: kindAPI, summary: "Start an update or cancellation of an issued warning", tag: "alerts", reqSchema: "Revision", respSchema: "AlertDetail", handle: s.apiAlertRevise},
		{method: "POST", pattern: "/api/v1/recipients", access: loggedIn, perm: auth.PermManageRecipients, kind: kindAPI, summary: "Add a recipient (subscriber, partner webhook or CBC)", tag: "recipients", reqSchema: "RecipientInput", handle: s.apiRecipientsCreate},
		{method: "POST", pattern: "/api/v1/recipients/import", access: loggedIn, perm: auth.PermManageRecipients, kind: kindAPI, maxBody: maxImportBody, summary: "Import recipients from CSV (text/csv; columns name, language, phone, email, lat, lon, label): all rows or none, with a per-row error report", tag: "recipients", handle: s.apiRecipientsImport},
		{method: "GET", pattern: "/api/v1/events", access: loggedIn, perm: auth.PermViewDashboard, kind: kindAPI, summary: "Live event stream (text/event-stream)", tag: "events", handle: s.events},
	}
}
