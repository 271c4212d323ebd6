using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Lantern.Interop.Tests.Infrastructure;

namespace Lantern.Interop.Tests.Hosting;

/// <summary>Issue 14: under systemd (<c>Type=notify</c>) the server reports READY=1 once it serves. systemd is not running on
/// the test machines, so the test plays its part: a datagram socket as NOTIFY_SOCKET and a parent process named systemd.</summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public async Task UnderSystemd_SendsReadyOnceServing()
    {
        using var systemd = new FakeSystemd();
        await using var server = await LanternProcess.StartAsync(TestConfigs.Minimal, launcher: systemd.Wrap);

        // READY=1 and the first STATUS= are sent on the same "started" event, in either order.
        var said = await ReceiveUntilAsync(systemd.Socket, ["READY=1", "STATUS=Serving"], TimeSpan.FromSeconds(30));
        Assert.DoesNotContain("not ready", said, StringComparison.Ordinal);
        using var http = server.CreateAdminClient();
        Assert.True((await http.GetAsync(new Uri("readyz", UriKind.Relative))).IsSuccessStatusCode);
    }

    /// <summary>Decision 0040: a cluster node whose database is down starts and listens, so systemd gets READY=1; the STATUS= line
    /// is what tells the operator it is not ready and why.</summary>
    [Fact]
    public async Task UnderSystemd_DatabaseDown_ReadyThenStatusSaysWaitingForTheStoreAndWhy()
    {
        using var systemd = new FakeSystemd();
        var closedPort = FreePorts.NextTcp();
        var config = TestConfigs.Minimal.Replace(
            "\"store\": { \"sqlite\": \"{DB}\" }",
            "\"store\": { \"postgres\": \"Host=127.0.0.1;Port=" + closedPort + ";Username=lantern;Password=x;Database=lantern;Timeout=2\" }",
            StringComparison.Ordinal);
        Assert.Contains("postgres", config, StringComparison.Ordinal);
        await using var server = await LanternProcess.StartAsync(config, waitReady: false, launcher: systemd.Wrap);

        var said = await ReceiveUntilAsync(systemd.Socket, ["READY=1", "STATUS=Listening, not ready: waiting for the store"], TimeSpan.FromSeconds(30));
        Assert.Contains("refused", said, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("STATUS=Serving", said, StringComparison.Ordinal);
    }

    /// <summary>systemd's part: a datagram socket as NOTIFY_SOCKET, and bash copied under the name systemd as the server's
    /// parent (a command follows the server's, so bash stays), which is how the hosting library detects systemd.</summary>
    private sealed class FakeSystemd : IDisposable
    {
        private readonly string _directory = Directory.CreateTempSubdirectory("lantern-systemd-").FullName;

        public FakeSystemd()
        {
            Socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            Socket.Bind(new UnixDomainSocketEndPoint(Path.Combine(_directory, "notify.sock")));
            File.Copy("/bin/bash", Path.Combine(_directory, "systemd"));
        }

        public Socket Socket { get; }

        public ProcessStartInfo Wrap(ProcessStartInfo info)
        {
            var wrapped = new ProcessStartInfo(Path.Combine(_directory, "systemd"))
            {
                WorkingDirectory = info.WorkingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            wrapped.ArgumentList.Add("-c");
            wrapped.ArgumentList.Add("\"$@\"; exit $?");
            wrapped.ArgumentList.Add("lantern");
            wrapped.ArgumentList.Add(info.FileName);
            foreach (var a in info.ArgumentList)
            {
                wrapped.ArgumentList.Add(a);
            }

            foreach (var (key, value) in info.Environment)
            {
                wrapped.Environment[key] = value;
            }

            wrapped.Environment["NOTIFY_SOCKET"] = Path.Combine(_directory, "notify.sock");
            return wrapped;
        }

        public void Dispose()
        {
            Socket.Dispose();
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>Every datagram received until each of <paramref name="expected"/> was in one of them, joined by newlines.</summary>
    private static async Task<string> ReceiveUntilAsync(Socket socket, string[] expected, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        var said = new StringBuilder();
        using var cts = new CancellationTokenSource(timeout);
        while (!Array.TrueForAll(expected, e => said.ToString().Contains(e, StringComparison.Ordinal)))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            said.Append(Encoding.UTF8.GetString(buffer, 0, n)).Append('\n');
        }

        return said.ToString();
    }
}
