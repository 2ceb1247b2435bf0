using Microsoft.Extensions.Options;

namespace Pulse.Hub.Hosting;

/// <summary>
/// Checks options when the application starts with the same rules their consumer's constructor applies (a
/// <c>Validate()</c> that throws <see cref="ArgumentException"/>), so a wrong value from configuration fails the
/// start with a message naming it. Used for <see cref="HubOptions"/> and the Redis engine's options.
/// </summary>
internal sealed class ThrowingOptionsValidation<TOptions>(Action<TOptions> validate) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        try
        {
            validate(options);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
