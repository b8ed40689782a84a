#!/usr/bin/env python3
"""Writes the small synthetic captures of Fixtures/iostat: UDP frames at chosen times, each
picked to hit one branch of tshark's -z io,stat layout (a duration that rounds up or not,
one that is a whole number of intervals, time going backwards, a single frame, none).
Usage: scripts/make-iostat-fixtures.py [DIR]   (default Fixtures/iostat)"""
import os, struct, sys
def pcap(path, times, length=60, lens=None):
    with open(path,'wb') as f:
        f.write(struct.pack('<IHHiIII',0xa1b2c3d4,2,4,0,0,65535,1))
        for i,t in enumerate(times):
            s=int(t); us=int(round((t-s)*1e6))
            if us>=1000000: s+=1; us-=1000000
            n = lens[i] if lens else length
            eth=b'\x02'*6+b'\x04'*6+b'\x08\x00'
            ip=struct.pack('!BBHHHBBH4s4s',0x45,0,n-14,1,0,64,17,0,bytes([10,0,0,1]),bytes([10,0,0,2]))
            udp=struct.pack('!HHHH',1000,2000,n-34,0)
            pkt=(eth+ip+udp).ljust(n,b'a')
            # Only 60 bytes are kept of each frame: the table counts the original length.
            f.write(struct.pack('<IIII',s,us,min(len(pkt),60),len(pkt))+pkt[:60])
B=1700000000
cases={
 'exact01':[B,B+0.1],
 'r1061':[B,B+0.05,B+0.1061],
 'r1049':[B,B+0.05,B+0.1049],
 'exact5':[B,B+2.5,B+5.0],
 'd96':[B,B+3,B+9.6],
 'ooo':[B+1,B+0.5,B+2.2,B+1.1,B+3.3,B+0.2],
 'd9996':[B,B+50,B+99.96],
 'one':[B+0.3],
 'big':[B+i*0.001 for i in range(3000)],
 'd15':[B,B+1.5],
 'd05':[B,B+0.0005],
 'd12345':[B,B+12345.678901],
}
out = sys.argv[1] if len(sys.argv) > 1 else 'Fixtures/iostat'
os.makedirs(out, exist_ok=True)
for k,v in cases.items(): pcap(f'{out}/{k}.pcap', v, lens=[1514 if k=='big' else 60]*len(v))
pcap(f'{out}/empty.pcap', [])
