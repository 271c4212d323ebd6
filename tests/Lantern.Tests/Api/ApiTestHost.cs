using System.Net.Http.Headers;
using System.Text;
using Lantern.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Lantern.Configuration;
using Lantern.Mailboxes;
using Lantern.Storage;
using Lantern.WebConsole;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Lantern.Tests.Api;

/// <summary>A real host on 127.0.0.1 (port chosen at run time) with the HTTP API over a temporary SQLite store.</summary>
/// <remarks>Composed as <c>LanternServer.Build</c> composes it (options, storage, API), because the host's storage wiring is the lead's.</remarks>
public sealed class ApiTestHost : IAsyncLifetime
{
    public const string User = "admin";
    public const string Password = "test-password";
    public const string ApiKey = "test-api-key-0123456789";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "lantern-api-" + Guid.NewGuid().ToString("N"));
    private WebApplication? _app;

    /// <summary>How many changes the feed keeps for resume; small in tests that provoke a resync.</summary>
    public int ReplayCapacity { get; init; } = 10_000;

    /// <summary>Extra configuration keys (e.g. <c>http:certificate</c>) for one test.</summary>
    public IReadOnlyDictionary<string, string?> ExtraConfiguration { get; init; } = new Dictionary<string, string?>();

    /// <summary>Extra registrations (e.g. readiness checks) for one test.</summary>
    public Action<IServiceCollection>? ExtraServices { get; init; }

    public Uri BaseAddress { get; private set; } = null!;

    public IMailboxService Mailboxes => _app!.Services.GetRequiredService<IMailboxService>();

    public IServiceProvider Services => _app!.Services;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["http:listen"] = "127.0.0.1:0",
            ["http:users:0:name"] = User,
            ["http:users:0:password"] = Password,
            ["http:apiKeys:0"] = ApiKey,
            ["store:sqlite"] = Path.Combine(_directory, "lantern.db"),
        });
        builder.Configuration.AddInMemoryCollection(ExtraConfiguration);
        builder.Logging.ClearProviders();
        builder.Services.AddOptions<LanternOptions>().Bind(builder.Configuration);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new MailboxServiceOptions { ReplayCapacity = ReplayCapacity });
        builder.Services.AddLanternStorage();
        builder.ConfigureLanternHttp();
        builder.Services.AddLanternApi();
        builder.Services.AddLanternConsole();
        ExtraServices?.Invoke(builder.Services);
        _app = builder.Build();
        _app.MapLanternApi();
        _app.MapLanternConsole();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>A client authenticated with HTTP Basic.</summary>
    public HttpClient Client()
    {
        var client = Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(User + ":" + Password)));
        return client;
    }

    public HttpClient Anonymous() => new(Handler ?? new HttpClientHandler()) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };

    /// <summary>Handler for clients (e.g. one that trusts a test certificate); null for the default.</summary>
    public Func<HttpMessageHandler>? HandlerFactory { get; init; }

    private HttpMessageHandler? Handler => HandlerFactory?.Invoke();

    /// <summary>Makes a mailbox owned by another source, as an upstream subscription would.</summary>
    public async Task<Mailbox> CreateForeignAsync(string id, int newCount)
    {
        var result = await Mailboxes.UpdateAsync(
            MailboxId.Parse(id), MailboxSource.Peer("oldpbx"), MailboxUpdate.SetClass(MessageClass.Voice, newCount, 0, 0, 0), null, CancellationToken.None);
        Assert.True(result.Succeeded, result.Error);
        return result.Mailbox!;
    }
}
