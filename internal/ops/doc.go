// Package ops runs emergency operations: incidents and their significant-events log, situation
// reports and their roll-up, tasks and checklists, relief logistics (warehouses, the item
// catalogue, the stock ledger, distributions, requests and offers), shelters and teams, and the
// common operating picture.
//
// Visibility is one rule for every record: a record belongs to an organisation and is visible
// to that organisation, to its ancestors (whose scope includes it), and to each organisation it
// is explicitly shared with. Incident participants and the organisation a task is assigned to
// are shares. Log entries, situation reports and attachments are visible with their incident;
// stock is visible with its warehouse. The item catalogue is reference data of the whole node.
package ops
