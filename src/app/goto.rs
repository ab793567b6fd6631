//! `:` / Ctrl-L: go to a location typed or pasted in any of the forms users
//! write (`az://`, `abfss://`, `https://…blob…`, `…dfs…`, a SAS URL). A SAS
//! URL for an account blobx does not know is attached only after asking.

use super::effect::Effect;
use super::layers::Layer;
use super::state::{AccountNode, Confirm, Location, State};
use crate::azure::uri::{AzPath, parse_location};
use crate::config::account_list::{names_account, unknown_account};

impl State {
    /// Enter on the go-to prompt.
    pub(super) fn go_to(&mut self, text: &str) -> Vec<Effect> {
        let (path, sas) = match parse_location(text) {
            Ok(found) => found,
            Err(why) => {
                self.error(&why);
                return Vec::new();
            }
        };
        let account = match path.account.as_deref() {
            Some(wanted) => self.account_named(wanted),
            // az://container/path: the account being browsed.
            None => match self.location {
                Location::Containers { account } | Location::Blobs { account, .. } => Some(account),
                Location::Accounts => {
                    self.error("Open an account first, or name it: az://container@account/path.");
                    return Vec::new();
                }
            },
        };
        match (account, sas) {
            (Some(account), _) => self.start(Some(path), Some(account)),
            (None, Some(url)) => {
                self.layers.push(Layer::Confirm(Confirm::AttachSas {
                    url: crate::azure::secret::Secret::new(url),
                    path,
                }));
                Vec::new()
            }
            (None, None) => {
                let wanted = path.account.unwrap_or_default();
                self.error(&unknown_account(&wanted));
                Vec::new()
            }
        }
    }

    pub(super) fn account_named(&self, wanted: &str) -> Option<usize> {
        self.accounts.iter().position(|n| {
            !n.detached && !n.discovery && n.broken.is_none() && names_account(&n.account, wanted)
        })
    }

    /// "y" on the question: attach the SAS URL's account (saved like one
    /// attached with `a`) and open the location.
    pub(super) fn attach_sas(
        &mut self,
        url: &crate::azure::secret::Secret,
        path: AzPath,
    ) -> Vec<Effect> {
        let now = crate::azure::connection::now_unix();
        let parsed = match crate::azure::connection::parse_sas_url(url.expose(), now) {
            Ok(p) => p,
            Err(why) => {
                self.error(&format!("Cannot attach it: {why}"));
                return Vec::new();
            }
        };
        let id = self.unique_id(&parsed.name);
        let label = parsed.name.clone();
        let account =
            crate::azure::Account::from_parsed(&id, &label, crate::azure::Source::Attached, parsed);
        let index = self.accounts.len();
        self.accounts.push(AccountNode::new(account.clone()));
        self.info(&format!("Attached {label} from the SAS URL."));
        let mut effects = vec![Effect::AddAccount {
            index,
            account: Box::new(account),
            persist: true,
        }];
        effects.extend(self.start(Some(path), Some(index)));
        effects
    }
}

#[cfg(test)]
mod tests {
    use crate::app::action::Command;
    use crate::app::effect::Effect;
    use crate::app::layers::Mode;
    use crate::app::state::{Confirm, Location};
    use crate::app::update_tests::{cmd, in_container, state, type_text};

    fn go(s: &mut crate::app::state::State, text: &str) -> Vec<Effect> {
        cmd(s, Command::GoTo);
        assert_eq!(s.mode(), Mode::Ask);
        type_text(s, text);
        cmd(s, Command::Accept)
    }

    #[test]
    fn a_location_in_the_browsed_account_opens_its_folder() {
        let mut s = in_container(&["a.csv"]);
        let fx = go(&mut s, "az://logs/2024/03/");
        assert_eq!(
            s.location,
            Location::Blobs {
                account: 0,
                container: "logs".into(),
                prefix: "2024/03/".into()
            }
        );
        assert!(
            matches!(fx.as_slice(), [Effect::ListBlobs { .. }]),
            "{fx:?}"
        );
    }

    #[test]
    fn a_url_of_a_known_account_opens_there() {
        let mut s = state();
        s.start(None, Some(0));
        let fx = go(&mut s, "http://127.0.0.1:10000/devstoreaccount1/data/in/");
        assert_eq!(
            s.location,
            Location::Blobs {
                account: 0,
                container: "data".into(),
                prefix: "in/".into()
            }
        );
        assert!(!fx.is_empty());
    }

    #[test]
    fn an_unknown_account_says_how_to_attach_it() {
        let mut s = state();
        s.start(None, Some(0));
        let fx = go(&mut s, "abfss://raw@nosuch.dfs.core.windows.net/x/");
        assert!(fx.is_empty());
        let status = s
            .status
            .as_ref()
            .map(|m| m.text.clone())
            .unwrap_or_default();
        assert!(
            status.contains("\"nosuch\"") && status.contains("SAS URL"),
            "{status}"
        );
        assert_eq!(s.mode(), Mode::Normal);
    }

    #[test]
    fn a_sas_url_of_an_unknown_account_is_attached_only_after_asking() {
        let url = "https://fresh.blob.core.windows.net/raw/day1/?sv=2022-11-02&ss=b&srt=sco&sp=rl&se=2099-01-01T00:00:00Z&sig=c2VjcmV0";
        let mut s = state();
        s.start(None, Some(0));
        assert!(go(&mut s, url).is_empty());
        assert!(matches!(
            s.layers.confirm(),
            Some(Confirm::AttachSas { .. })
        ));
        let screen = crate::ui::snapshot_tests::render(&s, 100, 24);
        assert!(screen.contains("fresh"), "{screen}");
        assert!(screen.contains("sig=***"), "{screen}");
        assert!(
            !screen.contains("c2VjcmV0"),
            "the signature never shows:\n{screen}"
        );
        // No: nothing attached.
        cmd(&mut s, Command::No);
        assert_eq!(s.accounts.len(), 1);
        // Yes: attached (and saved), then opened.
        go(&mut s, url);
        let fx = cmd(&mut s, Command::Yes);
        assert_eq!(s.accounts.len(), 2);
        assert!(
            matches!(
                &fx[0],
                Effect::AddAccount {
                    index: 1,
                    persist: true,
                    ..
                }
            ),
            "{fx:?}"
        );
        assert_eq!(
            s.location,
            Location::Blobs {
                account: 1,
                container: "raw".into(),
                prefix: "day1/".into()
            }
        );
        // The same URL again goes straight there.
        go(&mut s, url);
        assert_eq!(s.accounts.len(), 2);
        assert_eq!(s.mode(), Mode::Normal);
    }

    #[test]
    fn the_prompt_checks_the_form_as_typed() {
        let mut s = in_container(&["a.csv"]);
        cmd(&mut s, Command::GoTo);
        type_text(&mut s, "ftp://x");
        let ask = s.layers.ask().cloned().unwrap();
        assert!(ask.check("ftp://x").is_err());
        assert!(ask.check("az://c/p").is_ok());
    }
}
