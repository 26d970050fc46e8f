#!/usr/bin/perl
# A minimal SMSC built on Debian's Net::SMPP (libnet-smpp-perl), used by TestInteropNetSMPP to
# check our client against an independent SMPP 3.4 implementation.
#
# Usage: interop_smsc.pl SYSTEM_ID PASSWORD
# Listens on 127.0.0.1 (free port), prints "LISTEN <port>", serves one connection, and for every
# submit_sm prints one JSON line with what it decoded (GSM-7 via Encode's gsm0338, UCS-2 as
# UTF-16BE, the concatenation UDH taken apart), answers with a message id, and sends a delivery
# receipt as deliver_sm. Exits when the client unbinds or disconnects.
use strict;
use warnings;
use Encode ();
use JSON::PP ();
use Net::SMPP;

my ($sysid, $pw) = @ARGV;
die "usage: $0 SYSTEM_ID PASSWORD\n" unless defined $pw;
$| = 1;

my $json = JSON::PP->new->canonical->utf8;
my $srv = Net::SMPP->new_listen('127.0.0.1', port => 0, smpp_version => 0x34, timeout => 30)
    or die "listen: $!\n";
print "LISTEN ", $srv->sockport, "\n";
my $c = $srv->accept or die "accept: $!\n";
undef $srv;

my $n = 0;
while (my $pdu = $c->read_pdu()) {
    my $cmd = $pdu->{cmd};
    if ($cmd == 0x00000009) {    # bind_transceiver
        my $ok = $pdu->{system_id} eq $sysid && $pdu->{password} eq $pw;
        $c->bind_transceiver_resp(system_id => 'perl', seq => $pdu->{seq}, status => $ok ? 0 : 0x0E);
        print $json->encode({ event => 'bind', system_id => $pdu->{system_id}, ok => $ok ? 1 : 0 }), "\n";
    } elsif ($cmd == 0x00000004) {    # submit_sm
        my $sm = $pdu->{short_message};
        my %rec = (event => 'submit', dest => $pdu->{destination_addr}, src => $pdu->{source_addr},
                   dc => $pdu->{data_coding}, esm => $pdu->{esm_class},
                   registered_delivery => $pdu->{registered_delivery});
        if ($pdu->{esm_class} & 0x40) {
            my $udhl = ord(substr($sm, 0, 1));
            my ($iei, $iel, $ref, $total, $seq) = unpack('C5', substr($sm, 1, 5));
            @rec{qw(ref total seqnum)} = ($ref, $total, $seq) if $iei == 0 && $iel == 3;
            $sm = substr($sm, 1 + $udhl);
        }
        if ($pdu->{data_coding} == 0) {
            $rec{text} = Encode::decode('gsm0338', $sm);
        } elsif ($pdu->{data_coding} == 8) {
            $rec{text} = Encode::decode('UTF-16BE', $sm);
        } else {
            $rec{text_hex} = unpack('H*', $sm);
        }
        my $id = sprintf('perl-%d', ++$n);
        $rec{id} = $id;
        $c->submit_sm_resp(message_id => $id, seq => $pdu->{seq});
        print $json->encode(\%rec), "\n";
        if ($pdu->{registered_delivery} & 1) {
            my @t = gmtime();
            my $now = sprintf('%02d%02d%02d%02d%02d', $t[5] % 100, $t[4] + 1, $t[3], $t[2], $t[1]);
            # receipted_message_id goes out without its NUL, as Net::SMPP packs named TLVs.
            $c->deliver_sm(async => 1, source_addr => $pdu->{destination_addr},
                destination_addr => $pdu->{source_addr}, esm_class => 0x04,
                short_message => "id:$id sub:001 dlvrd:001 submit date:$now done date:$now stat:DELIVRD err:000 text:",
                receipted_message_id => $id, message_state => chr(2));
        }
    } elsif ($cmd == 0x00000015) {    # enquire_link
        $c->enquire_link_resp(seq => $pdu->{seq});
    } elsif ($cmd == 0x00000006) {    # unbind
        $c->unbind_resp(seq => $pdu->{seq});
        print $json->encode({ event => 'unbind' }), "\n";
        exit 0;
    } elsif ($cmd & 0x80000000) {
        # responses (deliver_sm_resp) need no answer
    } else {
        $c->generic_nack(seq => $pdu->{seq}, status => 0x03);
    }
}
exit 0;
