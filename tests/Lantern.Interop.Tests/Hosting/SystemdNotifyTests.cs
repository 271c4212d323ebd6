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
        var directory = Directory.CreateTempSubdirectory("lantern-systemd-").FullName;
        var socketPath = Path.Combine(directory, "notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));

        // bash copied under the name systemd stays the server's parent (a command follows the server's), as systemd is.
        var fakeSystemd = Path.Combine(directory, "systemd");
        File.Copy("/bin/bash", fakeSystemd);
        await using var server = await LanternProcess.StartAsync(
            TestConfigs.Minimal,
            launcher: info =>
            {
                var wrapped = new ProcessStartInfo(fakeSystemd)
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

                wrapped.Environment["NOTIFY_SOCKET"] = socketPath;
                return wrapped;
            });

        var ready = await ReceiveAsync(socket, TimeSpan.FromSeconds(30));
        Assert.Contains("READY=1", ready, StringComparison.Ordinal);
        using var http = server.CreateAdminClient();
        Assert.True((await http.GetAsync(new Uri("readyz", UriKind.Relative))).IsSuccessStatusCode);
    }

    private static async Task<string> ReceiveAsync(Socket socket, TimeSpan timeout)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeout);
        var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
