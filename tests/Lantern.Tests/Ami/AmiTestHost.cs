using System.Net;
using Lantern.Ami;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Ami;

/// <summary>An AMI server on 127.0.0.1, port 0, over a mailbox service, with fake time.</summary>
internal sealed class AmiTestHost : IAsyncDisposable
{
    public const string Secret = "s3cret!";

    private AmiTestHost(AmiServer server, IMailboxService mailboxes, FakeTimeProvider time, AmiOptions options)
    {
        Server = server;
        Mailboxes = mailboxes;
        Time = time;
        Options = options;
    }

    public AmiServer Server { get; }

    public IMailboxService Mailboxes { get; }

    public FakeTimeProvider Time { get; }

    public AmiOptions Options { get; }

    public IPEndPoint EndPoint => Server.LocalEndPoint!;

    public static async Task<AmiTestHost> StartAsync(Action<AmiOptions>? configure = null)
    {
        var options = new AmiOptions
        {
            Listen = "127.0.0.1:0",
            LoginFailureDelayMilliseconds = 0,
            Users =
            [
                new AmiUserOptions { Name = "admin", Secret = Secret, Write = true },
                new AmiUserOptions { Name = "reader", Secret = Secret, Write = false },
            ],
        };
        configure?.Invoke(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
        var mailboxes = new TestMailboxService();
        var server = new AmiServer(options, mailboxes, time, NullLogger<AmiServer>.Instance);
        await server.StartAsync(CancellationToken.None);
        return new AmiTestHost(server, mailboxes, time, options);
    }

    public Task<AmiTestClient> ConnectAsync(int? receiveBufferSize = null) => AmiTestClient.ConnectAsync(EndPoint, receiveBufferSize);

    /// <summary>Connects and logs in, consuming the login answer and FullyBooted.</summary>
    public async Task<AmiTestClient> LoginAsync(string user = "admin", bool events = true)
    {
        var client = await ConnectAsync();
        var reply = events
            ? await client.ActionAsync("Action: Login", "Username: " + user, "Secret: " + Secret)
            : await client.ActionAsync("Action: Login", "Username: " + user, "Secret: " + Secret, "Events: off");
        Assert.Equal("Success", reply["Response"]);
        Assert.Equal("FullyBooted", (await client.ReadAsync())["Event"]);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        (Mailboxes as IDisposable)?.Dispose();
    }
}
