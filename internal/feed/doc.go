// Package feed reads hazard feeds of other agencies into hazard events: USGS GeoJSON summary
// feeds, GDACS RSS (gdacs: and geo: namespaces), and CAP alerts in Atom, RSS or EDXL-DE
// containers, embedded or linked from an index feed (containers and alerts are parsed by
// package cap and its capfeed and xmltree packages, which refuse DTDs and bound every document).
//
// A feed is read item by item: an item with impossible values (latitude 200, magnitude 15, no
// position) is skipped with a reason naming the item and the value, and the rest of the feed is
// kept. Only a feed that cannot be read at all (too large, not the expected format) is an error.
package feed
