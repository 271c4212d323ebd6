using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lantern.Sip.Messages;

namespace Lantern.Benchmarks.Transport;

/// <summary>Frames 16 pipelined NOTIFYs from one buffer, as one TCP read would deliver them.</summary>
[MemoryDiagnoser]
public class SipFramerBenchmarks
{
    private const string Notify =
        "NOTIFY sip:1001@192.0.2.10:5060;transport=tcp SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bK-524287-1---5c4fd8b0f1b4a2c3\r\n" +
        "Max-Forwards: 70\r\n" +
        "From: <sip:1001@example.com>;tag=9fxced76sl\r\n" +
        "To: <sip:1001@example.com>;tag=8321234356\r\n" +
        "Call-ID: 3848276298220188511@192.0.2.10\r\n" +
        "CSeq: 42 NOTIFY\r\n" +
        "Contact: <sip:192.0.2.1:5060;transport=tcp>\r\n" +
        "Event: message-summary\r\n" +
        "Subscription-State: active;expires=3600\r\n" +
        "Content-Type: application/simple-message-summary\r\n" +
        "Content-Length: 58\r\n\r\n" +
        "Messages-Waiting: yes\r\nMessage-Account: sip:1001@example\r\n";

    private ReadOnlySequence<byte> _stream;

    [GlobalSetup]
    public void Setup() => _stream = new ReadOnlySequence<byte>(Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(Notify, 16))));

    [Benchmark]
    public int Frame16Pipelined()
    {
        var buffer = _stream;
        var count = 0;
        while (SipFramer.TryRead(ref buffer, SipFramerLimits.Default, out _, out _) == SipFramerStatus.Message)
        {
            count++;
        }

        return count;
    }
}
