package core

import "github.com/dialnexa/account/core/model"

// Words of the Profile screen.
const (
	TextNameField       = "New display name (2–50 characters)"
	TextNameHint        = "Your display name is shown in the dashboard, in audit logs and in team member lists. It does not affect callers."
	TextPictureHint     = "JPG, PNG or WebP, up to 2 MB, cropped to a circle."
	TextPictureDrop     = "Drop a picture here or choose one."
	TextEmailHint       = "Used for sign-in, billing notifications and platform alerts. We send a link to the new address; it changes when you open the link (within 24 hours), and from then on only the new address signs in."
	TextProfileOffline  = "You are offline: changing the picture or the email address needs a connection."
	TextNewEmail        = "New email address"
	TextCurrentPassword = "Current password"
	TextPictureUpdated  = "Picture updated."
	TextPictureRemoved  = "Picture removed."
	TextUploading       = "Uploading…"
	TextTimeZone        = "Time zone"
	TextTimeZoneHint    = "Your account's time zone, an IANA name such as Europe/Berlin; a new account starts in the zone of the device it signed up on."
	TextSaveTimeZone    = "Save time zone"
)

// ProfileView is Settings → Account → Profile: the email, the display
// name (edited offline too), the picture and the email change.
type ProfileView struct {
	Email string
	// Name is the display name shown, TextLoading before the first view.
	Name string
	// NameValue is what the name field holds while the user is not
	// editing it.
	NameValue string
	// NamePending: the name waits to sync (TextWaitingToSync beside it).
	NamePending bool
	// Saved says where a name the user just saved is ("" when they did not).
	Saved string
	// Offline is the notice shown while offline ("" online).
	Offline                                   string
	ChangePicture, RemovePicture, ChangeEmail Control
	// Initials stand in for a missing picture.
	Initials string
	// Picture is the square PNG to show (nil: the initials), PictureID
	// changes when it does.
	Picture   []byte
	PictureID string
	// TimeZone is the account's; ZoneNote says, when this device's zone
	// is another, that the screens show the device's ("" otherwise).
	TimeZone, ZoneNote string
	SetTimeZone        Control
}

// Profile is the Profile screen; justSaved is whether the user saved a
// name here since it was last edited.
func (s Snapshot) Profile(justSaved bool) ProfileView {
	p := s.View.Profile
	v := ProfileView{Email: s.Email, Name: p.DisplayName, NameValue: p.DisplayName, NamePending: s.PendingName,
		Offline: s.offlineNotice(TextProfileOffline), ChangePicture: s.ServerAction(), RemovePicture: s.RemovePicture(),
		ChangeEmail: s.ServerAction(), Initials: s.Initials()}
	if s.HasView {
		v.Email = p.Email
	} else {
		v.Name = TextLoading
	}
	if justSaved {
		v.Saved = s.SavedText(s.PendingName)
	}
	if s.AvatarPNG != nil {
		v.Picture, v.PictureID = s.AvatarPNG, p.Avatar
	}
	v.TimeZone = p.TimeZone
	if v.TimeZone == "" {
		v.TimeZone = model.DefaultTimeZone
	}
	if s.HasView && s.DeviceTimeZone != "" && s.DeviceTimeZone != v.TimeZone {
		v.ZoneNote = "Times on these screens are in this device's time zone, " + s.DeviceTimeZone + "; your account's is " + v.TimeZone + "."
	}
	v.SetTimeZone = s.ServerAction()
	return v
}
