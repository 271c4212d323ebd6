namespace Lantern.WebConsole;

/// <summary>The console's login form: an <c>http.users</c> name and password.</summary>
internal sealed record ConsoleLoginRequest(string? User, string? Password);
