#!/usr/bin/perl
# Bounded slow clients for tests/edge.sh: opens N connections from a source
# address to Nginx and trickles a request through each, then reports how
# each connection ended. Stops by itself after --seconds whatever happens.
#
#   slow-clients.pl --from 127.0.0.9 --port P --count 200 --seconds 10 --mode header
#       each connection sends a request header one byte a second that never
#       ends (Nginx should close it after client_header_timeout)
#   slow-clients.pl ... --mode body --count 8 --seconds 3
#       each sends a whole POST header at once (Content-Length: 64) and then
#       holds the body back: a request in progress, for Nginx's per-address
#       connection limit
#
# Prints one line: "connected=N refused=N closed=N open=N answered=N
# closed_after_max=S", where closed counts connections the server ended
# (with or without an answer) before --seconds, answered those that got any
# bytes back, and closed_after_max the latest such end in seconds. Exit 0.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time sleep);
use Getopt::Long;

my ($from, $port, $count, $seconds, $mode, $host) = ('127.0.0.9', 0, 200, 10, 'header', '');
GetOptions('from=s' => \$from, 'port=i' => \$port, 'count=i' => \$count, 'seconds=f' => \$seconds,
           'mode=s' => \$mode, 'host=s' => \$host) or die "slow-clients.pl: bad arguments\n";
die "slow-clients.pl: --port is required\n" unless $port;
$host ||= "127.0.0.1:$port";
$SIG{PIPE} = 'IGNORE';

my $trickle = "GET /api/districts/ HTTP/1.1\r\nHost: $host\r\nX-Slow: " . ('a' x 4096);
my $held = "POST /api/tags/ HTTP/1.1\r\nHost: $host\r\nContent-Type: application/json\r\n"
         . "Content-Length: 64\r\n\r\n";
my $start = time;
my (@conns, $refused);
$refused = 0;
for my $i (1 .. $count) {
  my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, LocalAddr => $from,
                                Proto => 'tcp', Timeout => 2);
  if (!$s) { $refused++; next; }
  $s->blocking(0);
  push @conns, { sock => $s, sent => 0, closed => 0, answered => 0, at => 0 };
  if ($mode eq 'body') { syswrite($s, $held); sleep 0.15; }
}
my $sel = IO::Select->new(map { $_->{sock} } @conns);
my $next_byte = time;
while (time - $start < $seconds) {
  if ($mode eq 'header' && time >= $next_byte) {
    for my $c (@conns) {
      next if $c->{closed};
      my $n = syswrite($c->{sock}, substr($trickle, $c->{sent} % length($trickle), 1));
      $c->{sent}++ if defined $n && $n > 0;
    }
    $next_byte += 1;
  }
  for my $s ($sel->can_read(0.1)) {
    my ($c) = grep { $_->{sock} == $s } @conns;
    my $buf = '';
    my $n = sysread($s, $buf, 65536);
    next if !defined $n && $!{EAGAIN};
    $c->{answered} = 1 if $n;
    if (!$n) {
      $c->{closed} = 1;
      $c->{at} = time - $start;
      $sel->remove($s);
      close $s;
    }
  }
}
my @closed = grep { $_->{closed} } @conns;
my $max = 0;
for (@closed) { $max = $_->{at} if $_->{at} > $max; }
printf "connected=%d refused=%d closed=%d open=%d answered=%d closed_after_max=%.1f\n",
  scalar(@conns), $refused, scalar(@closed), scalar(@conns) - scalar(@closed),
  scalar(grep { $_->{answered} } @conns), $max;
close $_->{sock} for grep { !$_->{closed} } @conns;
exit 0;
