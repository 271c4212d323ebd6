using System.Buffers;
using System.Diagnostics;
using System.Net;
using Lantern.Configuration;
using Lantern.Hosting;
using Lantern.Mailboxes;
using Lantern.Phones;
using Lantern.Sip.Stack;
using Lantern.Sip.Transport;
using Lantern.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Phones;

/// <summary>Lantern's whole path for subscribe.xml's cycle (SUBSCRIBE → 200 + NOTIFY, refresh → 200 + NOTIFY, unsubscribe →
/// 200 + final NOTIFY) in one process, as <c>lantern serve</c> wires it: <see cref="SipStack"/> with the server's stack options,
/// <see cref="PhonesModule"/> (SubscribeHandler, SubscriptionManager, PhoneRecordWriter, SipMwiNotifySender) and the SQLite
/// store in a file. Only the sockets are replaced: a phone that answers every NOTIFY at once, copying its headers into a
/// reused buffer, and allocates nothing itself, so what is measured is Lantern's (issue 13, "cost per cycle").</summary>
/// <remarks>Shared by <c>SubscriptionCycleAllocationTests</c> and the benchmark in bench/Lantern.Benchmarks/Phones (linked
/// there). Cycles run in waves: every phone of a wave sends its SUBSCRIBE, then (all answered) its refresh, then its
/// unsubscribe, so each phase's writes share group commits as under load. The fake clock moves 40 ms per cycle after each
/// wave, in steps, so the SIP timers (Timer J/K sweeps) run as they fall due and a warm-up over 32 s of the clock reaches
/// the steady state.</remarks>
internal sealed class SubscriptionCycleRig : ISipTransportLayer, IAsyncDisposable
{
    public static readonly IPEndPoint Phone = new(IPAddress.Parse("192.0.2.10"), 5061);
    public static readonly IPEndPoint Local = new(IPAddress.Parse("192.0.2.1"), 5060);
    private static readonly TimeSpan CyclePacing = TimeSpan.FromMilliseconds(40);
    private static readonly TimeSpan AnswerDeadline = TimeSpan.FromSeconds(30);

    private readonly string _directory;
    private readonly SqliteStore _store;
    private readonly MailboxService _mailboxes;
    private readonly PhonesModule _module;
    private readonly int _wave;
    private readonly byte[][] _tags;
    private readonly int[] _tagLengths;
    private readonly byte[] _request = new byte[1024];
    private readonly ManualResetEventSlim _phaseDone = new();
    private readonly SipSource _from = new(SipTransportKind.Udp, Phone, Local, 0);
    private int _expected;
    private int _answered;
    private int _failures;
    private int _lastFailure;
    private long _next;

    private SubscriptionCycleRig(string directory, int wave)
    {
        _directory = directory;
        _wave = wave;
        _tags = new byte[wave][];
        for (var i = 0; i < wave; i++)
        {
            _tags[i] = new byte[64];
        }

        _tagLengths = new int[wave];
        Time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        _store = new SqliteStore(Path.Combine(directory, "lantern.db"), NullLogger<SqliteStore>.Instance, Time);
        _mailboxes = new MailboxService(_store.Mailboxes, Time);
        var options = new LanternOptions();
        options.Sip.Domain = "192.0.2.1";
        options.Sip.Trusted = ["192.0.2.0/24"];
        Stack = new SipStack(this, Time, SipServer.StackOptions(options.Sip), NullLogger.Instance);
        _module = new PhonesModule(Stack, _mailboxes, options, _store.Records, Time, NullLoggerFactory.Instance);
    }

    public FakeTimeProvider Time { get; }

    public SipStack Stack { get; }

    /// <summary>Live subscriptions (zero between cycles).</summary>
    public int Subscriptions => _module.Service.Subscriptions.Count;

    /// <param name="wave">Phones per wave, i.e. requests sharing a phase (and so a few group commits).</param>
    public static async Task<SubscriptionCycleRig> StartAsync(int wave = 50)
    {
        var directory = Directory.CreateTempSubdirectory("lantern-cycle-").FullName;
        var rig = new SubscriptionCycleRig(directory, wave);
        await rig._store.MigrateAsync(CancellationToken.None);
        await rig._mailboxes.LoadAsync(CancellationToken.None);
        await rig._module.StartAsync(CancellationToken.None);
        return rig;
    }

    /// <summary>Runs <paramref name="cycles"/> cycles (rounded up to whole waves); throws when a request is not answered 200,
    /// or its NOTIFY not sent, within 30 s.</summary>
    public void Run(int cycles)
    {
        // As on a receive loop: no synchronization context (xunit's would take every continuation of the handler's awaits).
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            RunWaves(cycles);
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private void RunWaves(int cycles)
    {
        for (var done = 0; done < cycles; done += _wave)
        {
            var first = _next;
            _next += _wave;
            Phase(first, cseq: 1, expires: 3600);
            Phase(first, cseq: 2, expires: 3600);
            Phase(first, cseq: 3, expires: 0);
            for (var i = 0; i < _wave; i++)
            {
                Time.Advance(CyclePacing);
            }
        }
    }

    /// <summary>Bytes allocated (every thread) and process CPU time per cycle over <paramref name="cycles"/> cycles.</summary>
    public (double Bytes, double CpuMicroseconds) Measure(int cycles)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        Run(cycles);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - bytes;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var n = (double)((cycles + _wave - 1) / _wave * _wave);
        return (allocated / n, used.TotalMicroseconds / n);
    }

    private void Phase(long first, int cseq, int expires)
    {
        _phaseDone.Reset();
        // Each request is answered 200 and followed by one NOTIFY, which the phone answers.
        Volatile.Write(ref _answered, 0);
        Volatile.Write(ref _expected, 2 * _wave);
        for (var i = 0; i < _wave; i++)
        {
            var length = WriteSubscribe(first + i, cseq, expires);
            Stack.OnMessage(_request.AsSpan(0, length), _from);
        }

        if (!_phaseDone.Wait(AnswerDeadline))
        {
            throw new TimeoutException($"phase CSeq {cseq}: {Volatile.Read(ref _answered)} of {2 * _wave} answers and NOTIFYs within {AnswerDeadline.TotalSeconds} s");
        }

        if (Volatile.Read(ref _failures) > 0)
        {
            throw new InvalidOperationException($"{_failures} requests were not answered 200 (last: {_lastFailure})");
        }
    }

    private void Count()
    {
        if (Interlocked.Increment(ref _answered) == Volatile.Read(ref _expected))
        {
            _phaseDone.Set();
        }
    }

    private int WriteSubscribe(long cycle, int cseq, int expires)
    {
        var b = _request.AsSpan();
        var n = 0;
        n = Put(b, n, "SUBSCRIBE sip:u"u8);
        n = PutUser(b, n, cycle);
        n = Put(b, n, "@192.0.2.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5061;branch=z9hG4bK-"u8);
        n = PutNumber(b, n, cycle);
        n = Put(b, n, "-"u8);
        n = PutNumber(b, n, cseq);
        n = Put(b, n, "\r\nFrom: <sip:u"u8);
        n = PutUser(b, n, cycle);
        n = Put(b, n, "@192.0.2.1>;tag=1234SIPpTag00"u8);
        n = PutNumber(b, n, cycle);
        n = Put(b, n, "\r\nTo: <sip:u"u8);
        n = PutUser(b, n, cycle);
        n = Put(b, n, "@192.0.2.1>"u8);
        if (cseq > 1)
        {
            var slot = (int)(cycle % _wave);
            n = Put(b, n, ";tag="u8);
            n = Put(b, n, _tags[slot].AsSpan(0, _tagLengths[slot]));
        }

        n = Put(b, n, "\r\nCall-ID: "u8);
        n = PutNumber(b, n, cycle);
        n = Put(b, n, "-1234@192.0.2.10\r\nCSeq: "u8);
        n = PutNumber(b, n, cseq);
        n = Put(b, n, " SUBSCRIBE\r\nContact: <sip:u"u8);
        n = PutUser(b, n, cycle);
        n = Put(b, n, "@192.0.2.10:5061;transport=UDP>\r\nMax-Forwards: 70\r\nEvent: message-summary\r\nAccept: application/simple-message-summary\r\nExpires: "u8);
        n = PutNumber(b, n, expires);
        return Put(b, n, "\r\nUser-Agent: sipp-mwi\r\nContent-Length: 0\r\n\r\n"u8);
    }

    /// <summary>What Lantern sends: a NOTIFY is answered 200 at once (on the sending thread, as a phone on loopback would be
    /// heard by the receive loop), a SUBSCRIBE's 200 gives the phone the dialog's tag.</summary>
    public ValueTask<SipSendResult> SendAsync(ReadOnlyMemory<byte> message, SipDestination destination, CancellationToken cancellationToken)
    {
        var span = message.Span;
        if (span.StartsWith("NOTIFY "u8))
        {
            var answer = ArrayPool<byte>.Shared.Rent(2048);
            var length = AnswerNotify(span, answer);
            Stack.OnMessage(answer.AsSpan(0, length), _from);
            ArrayPool<byte>.Shared.Return(answer);
            Count();
        }
        else if (span.StartsWith("SIP/2.0 200 "u8))
        {
            var callId = Header(span, "\r\nCall-ID: "u8);
            var dash = callId.IndexOf((byte)'-');
            var cycle = 0L;
            foreach (var digit in callId[..dash])
            {
                cycle = (cycle * 10) + (digit - '0');
            }

            var to = Header(span, "\r\nTo: "u8);
            var tag = to[(to.IndexOf(";tag="u8) + 5)..];
            var slot = (int)(cycle % _wave);
            tag.CopyTo(_tags[slot]);
            _tagLengths[slot] = tag.Length;
            Count();
        }
        else
        {
            Interlocked.Increment(ref _failures);
            _lastFailure = (span[8] - '0') * 100 + (span[9] - '0') * 10 + (span[10] - '0');
            Count();
            Count();
        }

        return ValueTask.FromResult(SipSendResult.Ok(0));
    }

    public SipSource LocalFor(SipDestination destination) => new(destination.Transport, destination.Remote, Local, 0);

    public async ValueTask DisposeAsync()
    {
        await _module.DisposeAsync();
        Stack.Dispose();
        _mailboxes.Dispose();
        await _store.DisposeAsync();
        _phaseDone.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static ReadOnlySpan<byte> Header(ReadOnlySpan<byte> message, ReadOnlySpan<byte> name)
    {
        var start = message.IndexOf(name) + name.Length;
        var rest = message[start..];
        return rest[..rest.IndexOf("\r\n"u8)];
    }

    /// <summary>The phone's 200 to a NOTIFY: the request's Via, From, To, Call-ID and CSeq, as sipp's <c>[last_*:]</c> copies them.</summary>
    private static int AnswerNotify(ReadOnlySpan<byte> request, Span<byte> answer)
    {
        var n = Put(answer, 0, "SIP/2.0 200 OK"u8);
        n = Copy(request, answer, n, "\r\nVia: "u8);
        n = Copy(request, answer, n, "\r\nFrom: "u8);
        n = Copy(request, answer, n, "\r\nTo: "u8);
        n = Copy(request, answer, n, "\r\nCall-ID: "u8);
        n = Copy(request, answer, n, "\r\nCSeq: "u8);
        return Put(answer, n, "\r\nContent-Length: 0\r\n\r\n"u8);
    }

    private static int Copy(ReadOnlySpan<byte> request, Span<byte> answer, int at, ReadOnlySpan<byte> name) =>
        Put(answer, Put(answer, at, name), Header(request, name));

    // sipp's injection file cycles through 200,000 users: every call has its own mailbox.
    private static int PutUser(Span<byte> destination, int at, long cycle)
    {
        ((int)(cycle % 200_000) + 1).TryFormat(destination[at..], out var written, "D6", System.Globalization.CultureInfo.InvariantCulture);
        return at + written;
    }

    private static int PutNumber(Span<byte> destination, int at, long value)
    {
        value.TryFormat(destination[at..], out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        return at + written;
    }

    private static int Put(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }
}
