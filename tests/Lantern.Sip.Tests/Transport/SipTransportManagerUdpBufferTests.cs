using System.Net;
using System.Net.Sockets;
using Lantern.Sip.Transport;
using static Lantern.Sip.Tests.Transport.TransportTestSupport;

namespace Lantern.Sip.Tests.Transport;

public sealed class SipTransportManagerUdpBufferTests
{
    private const int Burst = 600;

    // Linux caps SO_RCVBUF at net.core.rmem_max; below this the burst cannot fit whatever Lantern asks.
    private static bool KernelAllows(int bytes) =>
        !OperatingSystem.IsLinux() || int.Parse(File.ReadAllText("/proc/sys/net/core/rmem_max").Trim(), System.Globalization.CultureInfo.InvariantCulture) >= bytes;

    [Fact]
    public async Task StartAsync_DefaultOptions_UdpReceiveBufferRaisedAboveOsDefault()
    {
        var requested = new SipTransportOptions().UdpSocketBufferBytes;
        if (!KernelAllows(requested))
        {
            return; // The host caps the buffer below what is asked: nothing Lantern can change (a warning is logged).
        }

        using var plain = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        await using var manager = await StartAsync(new RecordingReceiver(), new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp)] });
        var granted = Assert.Single(manager.UdpReceiveBufferSizes());
        Assert.True(granted >= requested, $"granted {granted}, asked {requested}");
        Assert.True(granted > plain.ReceiveBufferSize, $"granted {granted}, OS default {plain.ReceiveBufferSize}");
    }

    [Fact]
    public async Task Udp_BurstWhileReceiveLoopBusy_NoDatagramDropped()
    {
        if (!KernelAllows(4 * 1024 * 1024))
        {
            return;
        }

        using var release = new ManualResetEventSlim();
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = 0;
        var receiver = new RecordingReceiver
        {
            OnReceived = (_, _) =>
            {
                var n = Interlocked.Increment(ref received);
                if (n == 1)
                {
                    // Holds the only receive loop, as a descheduled or GC-paused loop would, while the burst arrives.
                    first.TrySetResult();
                    release.Wait(Deadline);
                }

                if (n == Burst + 1)
                {
                    all.TrySetResult();
                }
            },
        };
        var options = new SipTransportOptions { Listeners = [Listener(SipTransportKind.Udp)], UdpReceiveLoops = 1 };
        await using var manager = await StartAsync(receiver, options);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var target = manager.EndPoint(SipTransportKind.Udp);
        await client.SendAsync(Message("first"), target);
        await first.Task.WaitAsync(Deadline);
        var message = Message("burst");
        for (var i = 0; i < Burst; i++)
        {
            await client.SendAsync(message, target);
        }

        release.Set();
        await all.Task.WaitAsync(Deadline);
        Assert.Equal(Burst + 1, Volatile.Read(ref received));
    }
}
