//! The fonts documents are set in, parsed once per process and shared.
//!
//! Four faces, all under the SIL Open Font License (see `src-tauri/fonts/NOTICE.md`):
//! Noto Serif SC Regular for body text (宋体 style), Noto Serif SC Bold for titles (the usual
//! free stand-in for 小标宋), Noto Sans SC Medium for first-level headings (黑体 style) and LXGW
//! WenKai for second-level headings (楷体 style). A character a face lacks is set in the next
//! face that has it, so rare characters in names never come out as blanks.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use printpdf::ParsedFont;

use crate::error::{CoreError, CoreResult};

/// What a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    /// 宋体 style: body text.
    Serif,
    /// Heavy serif: titles (小标宋 style).
    SerifBold,
    /// 黑体 style: first-level headings, labels.
    Sans,
    /// 楷体 style: second-level headings.
    Kai,
}

impl Face {
    pub const ALL: [Face; 4] = [Face::Serif, Face::SerifBold, Face::Sans, Face::Kai];

    fn file(self) -> &'static str {
        match self {
            Face::Serif => "NotoSerifSC-Regular.ttf",
            Face::SerifBold => "NotoSerifSC-Bold.ttf",
            Face::Sans => "NotoSansSC-Medium.ttf",
            Face::Kai => "LXGWWenKai-Regular.ttf",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// One parsed face and its metrics.
pub struct LoadedFace {
    pub font: ParsedFont,
    units_per_em: f32,
}

impl LoadedFace {
    fn parse(path: &Path) -> CoreResult<Self> {
        let bytes = std::fs::read(path)
            .map_err(|e| CoreError::Internal(format!("font {}: {e}", path.display())))?;
        let font = ParsedFont::from_bytes(&bytes, 0, &mut Vec::new())
            .ok_or_else(|| CoreError::Internal(format!("font {}: unreadable", path.display())))?;
        let units_per_em = f32::from(font.font_metrics.units_per_em.max(1));
        Ok(Self { font, units_per_em })
    }

    /// Whether the face has a glyph for `c`.
    pub fn has(&self, c: char) -> bool {
        self.font.lookup_glyph_index(c as u32).is_some_and(|g| g != 0)
    }

    /// The advance of `c` in ems, if the face has it.
    pub fn advance(&self, c: char) -> Option<f32> {
        let gid = self.font.lookup_glyph_index(c as u32).filter(|g| *g != 0)?;
        Some(f32::from(self.font.get_horizontal_advance(gid)) / self.units_per_em)
    }
}

/// The four faces.
pub struct FontSet {
    faces: Vec<LoadedFace>,
    /// Which loaded face serves each role: the Kai face may be missing (it is not on npm, so a
    /// build machine without Debian's package goes without), and then the serif serves it.
    serves: [usize; 4],
}

impl FontSet {
    /// Parses the faces in `dir` (in parallel: each takes ~100 ms). Serif, bold serif and sans
    /// are required; Kai is optional.
    pub fn load(dir: &Path) -> CoreResult<Self> {
        let handles: Vec<_> = Face::ALL
            .iter()
            .filter(|face| **face != Face::Kai || dir.join(face.file()).is_file())
            .map(|face| {
                let path = dir.join(face.file());
                let face = *face;
                std::thread::spawn(move || LoadedFace::parse(&path).map(|f| (face, f)))
            })
            .collect();
        let mut faces = Vec::with_capacity(handles.len());
        let mut serves = [usize::MAX; 4];
        for h in handles {
            let (face, loaded) =
                h.join().map_err(|_| CoreError::Internal("font parsing panicked".into()))??;
            serves[face.index()] = faces.len();
            faces.push(loaded);
        }
        if serves[Face::Kai.index()] == usize::MAX {
            serves[Face::Kai.index()] = serves[Face::Serif.index()];
        }
        Ok(Self { faces, serves })
    }

    pub fn face(&self, face: Face) -> &LoadedFace {
        &self.faces[self.serves[face.index()]]
    }

    /// The role whose face is really used for `face` (Kai may be served by the serif).
    pub fn actual(&self, face: Face) -> Face {
        let i = self.serves[face.index()];
        Face::ALL.into_iter().find(|f| self.serves[f.index()] == i).unwrap_or(face)
    }

    /// The face that sets `c` when `wanted` is asked for: `wanted` if it has the glyph, else
    /// the first that does (serif, sans, kai), else `wanted` (which then shows its .notdef).
    pub fn resolve(&self, wanted: Face, c: char) -> Face {
        if self.face(wanted).has(c) || c.is_whitespace() {
            return wanted;
        }
        [Face::Serif, Face::Sans, Face::Kai, Face::SerifBold]
            .into_iter()
            .find(|f| self.face(*f).has(c))
            .unwrap_or(wanted)
    }

    /// The advance of `c` in ems as set when `wanted` is asked for.
    pub fn advance(&self, wanted: Face, c: char) -> f32 {
        let face = self.resolve(wanted, c);
        self.face(face).advance(c).unwrap_or(1.0)
    }
}

static DIR: OnceLock<Mutex<Option<PathBuf>>> = OnceLock::new();
static SHARED: OnceLock<Mutex<Option<Arc<FontSet>>>> = OnceLock::new();

/// Tells the core where the app bundled its fonts (the shell calls this at start).
pub fn set_font_dir(dir: PathBuf) {
    if let Ok(mut d) = DIR.get_or_init(|| Mutex::new(None)).lock() {
        *d = Some(dir);
    }
}

/// Where the fonts are: the directory the shell set, `REDRESS_FONT_DIR`, a `fonts` folder
/// beside the executable (or in a macOS bundle's Resources), else the source tree's.
pub fn font_dir() -> CoreResult<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = DIR.get().and_then(|d| d.lock().ok()).and_then(|d| d.clone()) {
        candidates.push(d);
    }
    if let Some(d) = std::env::var_os("REDRESS_FONT_DIR") {
        candidates.push(PathBuf::from(d));
    }
    if let Some(exe_dir) =
        std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(exe_dir.join("fonts"));
        candidates.push(exe_dir.join("../Resources/fonts"));
        candidates.push(exe_dir.join("../lib/redress/fonts"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fonts"));
    candidates.into_iter().find(|d| d.join(Face::Serif.file()).is_file()).ok_or_else(|| {
        CoreError::Internal(
            "the document fonts are missing: run scripts/fonts.sh or reinstall Redress".into(),
        )
    })
}

/// The fonts, parsed on first use and kept for the life of the process.
pub fn shared() -> CoreResult<Arc<FontSet>> {
    let slot = SHARED.get_or_init(|| Mutex::new(None));
    let mut guard = slot.lock().map_err(|_| CoreError::Internal("font cache poisoned".into()))?;
    if let Some(set) = guard.as_ref() {
        return Ok(Arc::clone(set));
    }
    let set = Arc::new(FontSet::load(&font_dir()?)?);
    *guard = Some(Arc::clone(&set));
    Ok(set)
}
