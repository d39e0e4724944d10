//! This layer's error: the core's, or what the keyring, the network or the platform said.
//! Messages never hold the secret (request URLs, which carry it, are dropped from network
//! errors).

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Core(#[from] orgdesk_core::Error),
    /// The OS keyring could not be reached or refused: nothing is stored in plain text instead.
    #[error("the OS keyring is not available ({0}): start the desktop's keyring (Secret Service, Keychain, Credential Manager) and try again; the secret is never kept anywhere else")]
    Keyring(String),
    /// No secret for this connection in the keyring.
    #[error("the keyring holds no secret for this connection: connect again")]
    NoSecret,
    #[error("could not reach the platform: {0}")]
    Network(String),
    /// The platform answered with an error code.
    #[error("the platform refused ({code}): {message}")]
    Platform { code: i64, message: String },
    #[error("no platform chosen ({0}): connect to WeCom, DingTalk or Feishu")]
    Unsupported(String),
    #[error("{0}")]
    Input(String),
}

impl Error {
    /// A stable code for `--json` and the UI.
    pub fn code(&self) -> String {
        match self {
            Error::Core(e) => e.code.as_str().to_string(),
            Error::Keyring(_) => "keyring_unavailable".into(),
            Error::NoSecret => "no_secret".into(),
            Error::Network(_) => "network".into(),
            Error::Platform { code, .. } => format!("platform_{code}"),
            Error::Unsupported(_) => "unsupported_platform".into(),
            Error::Input(_) => "invalid_argument".into(),
        }
    }
}

impl From<Error> for orgdesk_core::Error {
    /// As the CLI and the app show errors: a code and a message in the interface's language.
    fn from(e: Error) -> Self {
        use orgdesk_core::{Error as E, ErrorCode as C};
        match e {
            Error::Core(e) => e,
            Error::Keyring(detail) => {
                E::new(C::KeyringUnavailable, "keyring_unavailable").with("detail", detail)
            }
            Error::NoSecret => E::new(C::KeyringUnavailable, "no_secret"),
            Error::Network(detail) => {
                E::new(C::PlatformUnreachable, "platform_unreachable").with("detail", detail)
            }
            Error::Platform { code, message } => E::new(C::PlatformRefused, "platform_refused")
                .with("code", code)
                .with("message", message),
            Error::Unsupported(platform) => {
                E::new(C::InvalidArgument, "unsupported_platform").with("platform", platform)
            }
            Error::Input(_) => E::new(C::MissingRequired, "secret_required"),
        }
    }
}

impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Self {
        // The URL holds the secret (gettoken) or the token: never show it.
        Error::Network(e.without_url().to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
