// Package gsm knows how text becomes SMS: the GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet
// with its basic extension table, septet packing, and how a text is planned and split into
// segments (GSM-7 160/153, UCS-2 70/67). The composer's live character and segment count and the
// SMPP client use the same Plan and Split, so what an operator sees is what is sent.
//
// Counts are in code units: a GSM-7 extension character (€, {, }, [, ], ~, \, |, ^, form feed)
// costs two septets (escape + character); in UCS-2 a character outside the Basic Multilingual
// Plane (most emoji) costs two UTF-16 code units. Split never separates an escape pair or a
// surrogate pair across segments.
package gsm
