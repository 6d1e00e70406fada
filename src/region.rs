//! The service's regions (api.md section 2): names, aliases and domains.

/// One region of the service.
pub struct Region {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub domain: &'static str,
    /// For networks whose DNS misroutes the main domain.
    pub backup: &'static str,
}

pub const DEFAULT_REGION: &str = "china";

pub const REGIONS: &[Region] = &[
    Region {
        name: "china",
        aliases: &["cn"],
        domain: "console.tim.qq.com",
        backup: "adminapi.my-imcloud.com",
    },
    Region {
        name: "singapore",
        aliases: &["sgp"],
        domain: "adminapisgp.im.qcloud.com",
        backup: "adminapisgp.my-imcloud.com",
    },
    Region {
        name: "seoul",
        aliases: &["kr"],
        domain: "adminapikr.im.qcloud.com",
        backup: "adminapikr.my-imcloud.com",
    },
    Region {
        name: "tokyo",
        aliases: &["jpn"],
        domain: "adminapijpn.im.qcloud.com",
        backup: "adminapijpn.my-imcloud.com",
    },
    Region {
        name: "frankfurt",
        aliases: &["ger"],
        domain: "adminapiger.im.qcloud.com",
        backup: "adminapiger.my-imcloud.com",
    },
    Region {
        name: "mumbai",
        aliases: &["ind"],
        domain: "adminapiind.im.qcloud.com",
        backup: "adminapiind.my-imcloud.com",
    },
    Region {
        name: "silicon-valley",
        aliases: &["usa", "us"],
        domain: "adminapiusa.im.qcloud.com",
        backup: "adminapiusa.my-imcloud.com",
    },
    Region {
        name: "jakarta",
        aliases: &["idn"],
        domain: "adminapiidn.im.qcloud.com",
        backup: "adminapiidn.my-imcloud.com",
    },
];

/// Finds a region by name or alias, ignoring case.
pub fn find(name: &str) -> Option<&'static Region> {
    let name = name.trim().to_ascii_lowercase();
    REGIONS
        .iter()
        .find(|r| r.name == name || r.aliases.contains(&name.as_str()))
}

/// "china (cn), singapore (sgp), ..." for error messages.
pub fn valid_names() -> String {
    REGIONS
        .iter()
        .map(|r| format!("{} ({})", r.name, r.aliases.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_aliases_resolve() {
        assert_eq!(find("china").unwrap().domain, "console.tim.qq.com");
        assert_eq!(find("CN").unwrap().domain, "console.tim.qq.com");
        assert_eq!(find("sgp").unwrap().domain, "adminapisgp.im.qcloud.com");
        assert_eq!(find("us").unwrap().name, "silicon-valley");
        assert_eq!(find("usa").unwrap().name, "silicon-valley");
        assert_eq!(find("Jakarta").unwrap().domain, "adminapiidn.im.qcloud.com");
        assert!(find("mars").is_none());
        assert_eq!(REGIONS.len(), 8);
    }
}
