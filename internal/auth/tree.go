package auth

import "github.com/taawun/taawun/internal/store"

// OrgTree answers "is this organisation within that one" for the parent links of a node's
// organisations.
type OrgTree struct {
	byID     map[string]store.Org
	children map[string][]string
}

// NewOrgTree indexes orgs.
func NewOrgTree(orgs []store.Org) *OrgTree {
	t := &OrgTree{byID: make(map[string]store.Org, len(orgs)), children: map[string][]string{}}
	for _, o := range orgs {
		t.byID[o.ID] = o
		if o.ParentID != "" {
			t.children[o.ParentID] = append(t.children[o.ParentID], o.ID)
		}
	}
	return t
}

// Get returns the organisation with id.
func (t *OrgTree) Get(id string) (store.Org, bool) {
	o, ok := t.byID[id]
	return o, ok
}

// Subtree returns root and all its descendants, root first.
func (t *OrgTree) Subtree(root string) []string {
	if _, ok := t.byID[root]; !ok {
		return nil
	}
	out := []string{root}
	for i := 0; i < len(out); i++ {
		out = append(out, t.children[out[i]]...)
	}
	return out
}

// Within reports whether org is ancestor or one of its descendants. A cycle in the parent links
// (which the store does not prevent) ends the walk instead of looping.
func (t *OrgTree) Within(org, ancestor string) bool {
	seen := map[string]bool{}
	for id := org; id != "" && !seen[id]; id = t.byID[id].ParentID {
		if id == ancestor {
			return true
		}
		seen[id] = true
	}
	return false
}

// Ancestors returns the chain above org, nearest first.
func (t *OrgTree) Ancestors(org string) []string {
	var out []string
	seen := map[string]bool{org: true}
	for id := t.byID[org].ParentID; id != "" && !seen[id]; id = t.byID[id].ParentID {
		out = append(out, id)
		seen[id] = true
	}
	return out
}
